using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace MySaasChat.Modules.Chat.Providers;

/// <summary>
/// Google Gemini through its REST `models/{model}:streamGenerateContent?alt=sse` endpoint: each SSE
/// frame holds a GenerateContentResponse (candidates[0].content.parts[].text, usageMetadata on the last).
/// </summary>
public sealed class GeminiChatClient(HttpClient http, string baseUrl, string apiKey, string model, int retries) : IChatClient
{
    public const string DefaultBaseUrl = "https://generativelanguage.googleapis.com/v1beta";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var modelId = options?.ModelId ?? model;
        var body = BuildBody(messages, options);
        using var response = await SendWithRetriesAsync(modelId, body, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
            var json = JsonNode.Parse(line[5..].Trim());
            if (json?["error"] is JsonNode error)
            {
                throw new HttpRequestException($"Gemini stream error: {error["message"]}", null, (HttpStatusCode?)error["code"]?.GetValue<int>());
            }
            var candidate = json?["candidates"]?[0];
            var text = new StringBuilder();
            if (candidate?["content"]?["parts"] is JsonArray parts)
            {
                foreach (var part in parts)
                {
                    if (part?["text"] is JsonNode t && part["thought"]?.GetValue<bool>() != true) text.Append(t.GetValue<string>());
                }
            }
            var update = new ChatResponseUpdate(ChatRole.Assistant, text.Length > 0 ? text.ToString() : null)
            {
                ModelId = json?["modelVersion"]?.GetValue<string>() ?? modelId,
            };
            if (candidate?["finishReason"]?.GetValue<string>() is { } finish)
            {
                update.FinishReason = finish switch { "STOP" => ChatFinishReason.Stop, "MAX_TOKENS" => ChatFinishReason.Length, "SAFETY" => ChatFinishReason.ContentFilter, _ => new ChatFinishReason(finish) };
            }
            if (json?["usageMetadata"] is JsonNode usage)
            {
                update.Contents.Add(new UsageContent(new UsageDetails
                {
                    InputTokenCount = usage["promptTokenCount"]?.GetValue<long>(),
                    OutputTokenCount = usage["candidatesTokenCount"]?.GetValue<long>(),
                    TotalTokenCount = usage["totalTokenCount"]?.GetValue<long>(),
                }));
            }
            yield return update;
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(string modelId, string body, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/models/{Uri.EscapeDataString(modelId)}:streamGenerateContent?alt=sse")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-goog-api-key", apiKey);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode) return response;
            var status = (int)response.StatusCode;
            var detail = await response.Content.ReadAsStringAsync(ct);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            response.Dispose();
            if ((status == 429 || status >= 500) && attempt < retries)
            {
                await Task.Delay(retryAfter is { } d && d < TimeSpan.FromSeconds(10) ? d : TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt)), ct);
                continue;
            }
            throw new HttpRequestException($"Gemini answered {status}: {Truncate(detail)}", null, (HttpStatusCode)status);
        }
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] : s;

    private static string BuildBody(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var contents = new JsonArray();
        var system = new StringBuilder();
        foreach (var m in messages)
        {
            if (m.Role == ChatRole.System)
            {
                system.AppendLine(m.Text);
                continue;
            }
            contents.Add(new JsonObject
            {
                ["role"] = m.Role == ChatRole.Assistant ? "model" : "user",
                ["parts"] = new JsonArray(new JsonObject { ["text"] = m.Text }),
            });
        }
        var body = new JsonObject { ["contents"] = contents };
        if (system.Length > 0)
        {
            body["systemInstruction"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = system.ToString().Trim() }) };
        }
        if (options?.MaxOutputTokens is { } max)
        {
            body["generationConfig"] = new JsonObject { ["maxOutputTokens"] = max };
        }
        return body.ToJsonString(new JsonSerializerOptions());
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
