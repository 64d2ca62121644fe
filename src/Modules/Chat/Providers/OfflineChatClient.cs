using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace MySaasChat.Modules.Chat.Providers;

/// <summary>
/// The built-in model used when no provider key is set: a deterministic answer, streamed word by word,
/// that says plainly it is not an AI and how to configure one, so every path works on a bare machine.
/// </summary>
public sealed class OfflineChatClient(int delayMs, TokenCounter tokens) : IChatClient
{
    public const string ModelId = "offline";

    public static string AnswerFor(string? lastUserMessage)
    {
        var quoted = (lastUserMessage ?? "").ReplaceLineEndings(" ").Trim();
        if (quoted.Length > 200) quoted = quoted[..200] + "…";
        return "No AI provider is configured on this server, so the built-in offline model is answering and it cannot think. " +
               "To chat with a real model, set OPENAI_API_KEY (with OPENAI_MODEL, and OPENAI_BASE_URL for an OpenAI-compatible server " +
               "such as Ollama, vLLM, LM Studio or Groq), ANTHROPIC_API_KEY (with ANTHROPIC_MODEL) or GOOGLE_API_KEY (with GOOGLE_MODEL), " +
               $"then restart the chat service. You wrote: \"{quoted}\"";
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var answer = AnswerFor(list.LastOrDefault(m => m.Role == ChatRole.User)?.Text);
        var words = answer.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (delayMs > 0) await Task.Delay(delayMs, cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, i == 0 ? words[i] : " " + words[i]) { ModelId = ModelId };
        }
        var prompt = list.Sum(m => tokens.Count(m.Text));
        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = prompt, OutputTokenCount = tokens.Count(answer) })],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
