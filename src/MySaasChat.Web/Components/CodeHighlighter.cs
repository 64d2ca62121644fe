using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace MySaasChat.Web.Components;

/// <summary>
/// Light syntax colouring for code blocks: comments, strings, numbers and keywords of the common
/// C-like, Python and shell languages. Every token is HTML-encoded on its own, so nothing in the
/// code can become markup.
/// </summary>
public static partial class CodeHighlighter
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "and", "as", "async", "await", "break", "case", "catch", "class", "const", "continue", "def", "default",
        "del", "do", "elif", "else", "enum", "except", "export", "extends", "false", "False", "finally", "fn", "for", "foreach",
        "from", "func", "function", "go", "if", "impl", "import", "in", "interface", "is", "let", "match", "mut", "namespace",
        "new", "nil", "None", "not", "null", "or", "override", "package", "pass", "private", "protected", "pub", "public",
        "raise", "readonly", "record", "return", "sealed", "select", "self", "static", "struct", "super", "switch", "this",
        "throw", "true", "True", "try", "type", "typeof", "using", "var", "void", "while", "with", "yield", "echo", "fi",
        "then", "done", "esac", "int", "string", "bool", "double", "float", "long", "char", "byte", "object", "decimal",
    };

    private static readonly HashSet<string> Plain = new(StringComparer.OrdinalIgnoreCase) { "", "text", "txt", "plain", "plaintext", "markdown", "md" };

    [GeneratedRegex("""(?<comment>//[^\n]*|/\*[\s\S]*?\*/|#[^\n]*|--[^\n]*)|(?<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|(?<number>\b\d+(?:\.\d+)?\b)|(?<word>\b[A-Za-z_][A-Za-z0-9_]*\b)""")]
    private static partial Regex Tokens();

    public static string ToHtml(string code, string language)
    {
        if (Plain.Contains(language)) return WebUtility.HtmlEncode(code);
        var hashComments = language is "python" or "py" or "bash" or "sh" or "shell" or "zsh" or "ruby" or "rb" or "yaml" or "yml" or "toml" or "r" or "perl" or "dockerfile" or "powershell" or "ps1";
        var dashComments = language is "sql" or "lua" or "haskell" or "hs";
        var html = new StringBuilder(code.Length * 2);
        var at = 0;
        foreach (Match m in Tokens().Matches(code))
        {
            string? kind = null;
            if (m.Groups["comment"].Success)
            {
                var v = m.Value;
                if (v.StartsWith('#') && !hashComments) continue;
                if (v.StartsWith("--", StringComparison.Ordinal) && !dashComments) continue;
                kind = "comment";
            }
            else if (m.Groups["string"].Success) kind = "string";
            else if (m.Groups["number"].Success) kind = "number";
            else if (m.Groups["word"].Success && Keywords.Contains(m.Value)) kind = "keyword";
            if (kind is null) continue;
            html.Append(WebUtility.HtmlEncode(code[at..m.Index]));
            html.Append("<span class=\"tok-").Append(kind).Append("\">").Append(WebUtility.HtmlEncode(m.Value)).Append("</span>");
            at = m.Index + m.Length;
        }
        html.Append(WebUtility.HtmlEncode(code[at..]));
        return html.ToString();
    }
}
