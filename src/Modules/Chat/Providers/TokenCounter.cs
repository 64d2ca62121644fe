using Microsoft.ML.Tokenizers;

namespace MySaasChat.Modules.Chat.Providers;

/// <summary>o200k_base token counts: exact for current OpenAI models, a close estimate for the others.</summary>
public sealed class TokenCounter
{
    private readonly Tokenizer _tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");

    public int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : _tokenizer.CountTokens(text);

    /// <summary>The longest tail of <paramref name="text"/> that fits in <paramref name="maxTokens"/>.</summary>
    public string KeepLast(string text, int maxTokens)
    {
        if (maxTokens <= 0) return "";
        var index = _tokenizer.GetIndexByTokenCountFromEnd(text, maxTokens, out _, out _);
        return text[index..];
    }
}
