using System.Net;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace MySaasChat.Web.Components;

/// <summary>
/// Markdown to safe HTML. Raw HTML in the text is never passed through (it is shown escaped), link and
/// image addresses keep only http(s), mailto and relative ones, and code blocks get a header with the
/// language and a copy button (wired by app.js, no inline script).
/// </summary>
public static class Markdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseGridTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .UseListExtras()
        .Build();

    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrEmpty(markdown)) return "";
        var document = Markdig.Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafeUrl(link.Url)) link.Url = "#";
            if (!link.IsImage)
            {
                link.GetAttributes().AddPropertyIfNotExist("rel", "noopener noreferrer nofollow");
                link.GetAttributes().AddPropertyIfNotExist("target", "_blank");
            }
        }
        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!IsSafeUrl(link.Url)) link.Url = "#";
        }
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        var code = renderer.ObjectRenderers.FindExact<CodeBlockRenderer>();
        if (code is not null) renderer.ObjectRenderers.Remove(code);
        renderer.ObjectRenderers.Insert(0, new CopyableCodeBlockRenderer());
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    internal static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return true;
        var trimmed = url.Trim();
        // Control characters and whitespace can hide a scheme ("java\tscript:").
        if (trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))) return false;
        var colon = trimmed.IndexOf(':');
        var slash = trimmed.IndexOfAny(['/', '?', '#']);
        if (colon < 0 || (slash >= 0 && slash < colon)) return true; // relative
        var scheme = trimmed[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto";
    }

    private sealed class CopyableCodeBlockRenderer : HtmlObjectRenderer<CodeBlock>
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock block)
        {
            var language = (block as FencedCodeBlock)?.Info?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            var safeLanguage = new string(language.Where(c => char.IsLetterOrDigit(c) || c is '+' or '#' or '-' or '_').Take(30).ToArray());
            renderer.Write("<div class=\"code-block\"><div class=\"code-head\"><span>")
                .Write(WebUtility.HtmlEncode(safeLanguage.Length > 0 ? safeLanguage : "text"))
                .Write("</span><button type=\"button\" class=\"copy-code\" data-copy-code aria-label=\"Copy code\">Copy</button></div><pre><code");
            if (safeLanguage.Length > 0) renderer.Write(" class=\"language-").Write(safeLanguage).Write("\"");
            renderer.Write(">");
            renderer.Write(CodeHighlighter.ToHtml(block.Lines.ToString(), safeLanguage));
            renderer.Write("</code></pre></div>");
        }
    }
}
