using System.Net.Http.Json;
using System.Text.Json;

namespace MySaasChat.Web.Api;

/// <summary>What the streaming endpoint tells while an answer is written.</summary>
public abstract record StreamEvent;
public sealed record MessageCreatedEvent(ChatMessage? UserMessage, Guid AssistantMessageId, string? Model, string? Provider) : StreamEvent;
public sealed record DeltaEvent(Guid MessageId, string Text) : StreamEvent;
public sealed record UsageEvent(int? PromptTokens, int? CompletionTokens, string? Model) : StreamEvent;
public sealed record DoneEvent(ChatMessage Message) : StreamEvent;
public sealed record ErrorEvent(string Code, string Message) : StreamEvent;

public sealed class ChatApi(ApiClient api)
{
    public Task<ConversationPage> ListAsync(string? query, bool archived = false, string? cursor = null, CancellationToken ct = default)
    {
        var url = $"api/chat/conversations?limit=100&archived={(archived ? "true" : "false")}";
        if (!string.IsNullOrWhiteSpace(query)) url += "&q=" + Uri.EscapeDataString(query.Trim());
        if (cursor is not null) url += "&cursor=" + Uri.EscapeDataString(cursor);
        return api.GetAsync<ConversationPage>(url, ct);
    }

    public Task<ConversationSummary> CreateAsync(string? model, CancellationToken ct = default) =>
        api.PostAsync<ConversationSummary>("api/chat/conversations", new { model }, ct);

    public Task<ConversationDetail> GetAsync(Guid id, Guid? leaf = null, CancellationToken ct = default) =>
        api.GetAsync<ConversationDetail>($"api/chat/conversations/{id}" + (leaf is null ? "" : $"?leaf={leaf}"), ct);

    public Task<ConversationSummary> UpdateAsync(Guid id, object changes, CancellationToken ct = default) =>
        api.PatchAsync<ConversationSummary>($"api/chat/conversations/{id}", changes, ct);

    public Task DeleteAsync(Guid id, CancellationToken ct = default) => api.DeleteAsync($"api/chat/conversations/{id}", null, ct);

    public Task StopAsync(Guid id) => api.PostAsync($"api/chat/conversations/{id}/stop", null);

    public Task<List<ModelInfo>> ModelsAsync(CancellationToken ct = default) => api.GetAsync<List<ModelInfo>>("api/chat/models", ct);

    public Task<UsageInfo> UsageAsync(CancellationToken ct = default) => api.GetAsync<UsageInfo>("api/chat/usage", ct);

    public Task<string> ExportAsync(Guid id, string format) => api.GetTextAsync($"api/chat/conversations/{id}/export?format={format}");

    /// <summary>Sends a message and yields the answer as it is written (SSE over fetch streaming).</summary>
    public IAsyncEnumerable<StreamEvent> SendAsync(Guid conversationId, string content, string? model, Guid? editOf, CancellationToken ct) =>
        StreamAsync($"api/chat/conversations/{conversationId}/messages", new { content, model, editOf }, ct);

    public IAsyncEnumerable<StreamEvent> RegenerateAsync(Guid messageId, string? model, CancellationToken ct) =>
        StreamAsync($"api/chat/messages/{messageId}/regenerate", new { model }, ct);

    private async IAsyncEnumerable<StreamEvent> StreamAsync(string url, object body, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var response = await api.SendRawAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, body.GetType(), options: ApiClient.Json) };
            request.Headers.Accept.ParseAdd("text/event-stream");
            return request;
        }, HttpCompletionOption.ResponseHeadersRead, ct, streaming: true);

        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            // A server that answered in one piece (no streaming support on the way): still show the answer.
            var whole = await response.Content.ReadFromJsonAsync<JsonElement>(ApiClient.Json, ct);
            if (whole.TryGetProperty("assistantMessage", out var a))
            {
                yield return new DoneEvent(a.Deserialize<ChatMessage>(ApiClient.Json)!);
            }
            yield break;
        }
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var e in ServerSentEvents.ReadAsync(stream, ct))
        {
            var parsed = Parse(e);
            if (parsed is not null) yield return parsed;
        }
    }

    internal static StreamEvent? Parse(ServerSentEvent e)
    {
        using var doc = JsonDocument.Parse(e.Data);
        var root = doc.RootElement;
        string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int? Int(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        switch (e.Name)
        {
            case "message.created":
                var user = root.TryGetProperty("userMessage", out var u) && u.ValueKind == JsonValueKind.Object ? u.Deserialize<ChatMessage>(ApiClient.Json) : null;
                var id = root.TryGetProperty("assistantMessageId", out var aid) && aid.TryGetGuid(out var g) ? g : Guid.Empty;
                return new MessageCreatedEvent(user, id, Str("model"), Str("provider"));
            case "delta":
                return new DeltaEvent(root.TryGetProperty("messageId", out var mid) && mid.TryGetGuid(out var m) ? m : Guid.Empty, Str("text") ?? "");
            case "usage":
                return new UsageEvent(Int("promptTokens"), Int("completionTokens"), Str("model"));
            case "done":
                return new DoneEvent(root.Deserialize<ChatMessage>(ApiClient.Json)!);
            case "error":
                return new ErrorEvent(Str("code") ?? "chat.error", Str("message") ?? "The answer could not be completed.");
            default:
                return null;
        }
    }
}
