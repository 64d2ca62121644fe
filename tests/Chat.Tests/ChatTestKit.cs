using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySaasChat.Contracts;
using MySaasChat.Testing;

namespace Chat.Tests;

public static class ChatTestKit
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<TestApp> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["CHAT_OFFLINE_DELAY_MS"] = "0" };
        foreach (var (k, v) in settings ?? []) all[k] = v;
        return TestApp.StartAsync(all);
    }

    public static HttpClient UserClient(this TestApp app, Guid userId, string plan = "free") =>
        app.CreateClient(app.MintToken(userId, $"{userId:N}@example.com", plan: plan));

    public static async Task<ConversationSummary> CreateConversationAsync(this HttpClient client, object? body = null)
    {
        var response = await client.PostAsJsonAsync("/api/chat/conversations", body ?? new { });
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ConversationSummary>(Json))!;
    }

    public static async Task<SendMessageResult> SendAsync(this HttpClient client, Guid conversationId, object body)
    {
        var response = await client.PostAsJsonAsync($"/api/chat/conversations/{conversationId}/messages", body);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<SendMessageResult>(Json))!;
    }

    public static async Task<Problem> ProblemAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<Problem>(Json))!;

    /// <summary>Posts with Accept: text/event-stream and reads every SSE event until the stream ends.</summary>
    public static async Task<List<(string Event, JsonNode Data)>> StreamAsync(this HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        return await ReadEventsAsync(await response.Content.ReadAsStreamAsync());
    }

    public static async Task<List<(string Event, JsonNode Data)>> ReadEventsAsync(Stream stream)
    {
        var events = new List<(string, JsonNode)>();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ")) name = line[7..];
            else if (line.StartsWith("data: ")) events.Add((name ?? "message", JsonNode.Parse(line[6..])!));
        }
        return events;
    }
}

/// <summary>A provider's server on 127.0.0.1: answers what the test tells it, and records what it was sent.</summary>
public sealed class FakeProvider : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeProvider(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }
    public List<(string Path, IHeaderDictionary Headers, JsonNode? Body)> Requests { get; } = [];

    public static async Task<FakeProvider> StartAsync(Func<HttpContext, int, Task> handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeProvider? self = null;
        var calls = 0;
        app.Run(async http =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            lock (self!.Requests)
            {
                self.Requests.Add((http.Request.Path + http.Request.QueryString, new HeaderDictionary(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)), body.Length > 0 ? JsonNode.Parse(body) : null));
            }
            await handle(http, Interlocked.Increment(ref calls));
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new FakeProvider(app, url);
        return self;
    }

    public static async Task WriteSseAsync(HttpContext http, IEnumerable<(string? Event, string Data)> frames)
    {
        http.Response.ContentType = "text/event-stream";
        foreach (var (name, data) in frames)
        {
            if (name is not null) await http.Response.WriteAsync($"event: {name}\n");
            await http.Response.WriteAsync($"data: {data}\n\n");
            await http.Response.Body.FlushAsync();
        }
    }

    public static Task ErrorAsync(HttpContext http, int status, string json)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Each provider's documented streaming wire format, for the fake servers.</summary>
public static class Wire
{
    public static IEnumerable<(string?, string)> OpenAi(string model, string[] pieces, int promptTokens, int completionTokens)
    {
        var head = $"\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"{model}\",\"system_fingerprint\":\"fp_1\"";
        yield return (null, $"{{{head},\"choices\":[{{\"index\":0,\"delta\":{{\"role\":\"assistant\",\"content\":\"\"}},\"logprobs\":null,\"finish_reason\":null}}],\"usage\":null}}");
        foreach (var p in pieces)
        {
            yield return (null, $"{{{head},\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{JsonSerializer.Serialize(p)}}},\"logprobs\":null,\"finish_reason\":null}}],\"usage\":null}}");
        }
        yield return (null, $"{{{head},\"choices\":[{{\"index\":0,\"delta\":{{}},\"logprobs\":null,\"finish_reason\":\"stop\"}}],\"usage\":null}}");
        yield return (null, $"{{{head},\"choices\":[],\"usage\":{{\"prompt_tokens\":{promptTokens},\"completion_tokens\":{completionTokens},\"total_tokens\":{promptTokens + completionTokens}}}}}");
        yield return (null, "[DONE]");
    }

    public static IEnumerable<(string?, string)> Anthropic(string model, string[] pieces, int inputTokens, int outputTokens)
    {
        yield return ("message_start", $"{{\"type\":\"message_start\",\"message\":{{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"{model}\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{{\"input_tokens\":{inputTokens},\"output_tokens\":1}}}}}}");
        yield return ("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        yield return ("ping", "{\"type\":\"ping\"}");
        foreach (var p in pieces)
        {
            yield return ("content_block_delta", $"{{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":{JsonSerializer.Serialize(p)}}}}}");
        }
        yield return ("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        yield return ("message_delta", $"{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{outputTokens}}}}}");
        yield return ("message_stop", "{\"type\":\"message_stop\"}");
    }

    public static IEnumerable<(string?, string)> Gemini(string model, string[] pieces, int promptTokens, int candidateTokens)
    {
        for (var i = 0; i < pieces.Length; i++)
        {
            var last = i == pieces.Length - 1;
            var finish = last ? ",\"finishReason\":\"STOP\"" : "";
            var usage = last ? $",\"usageMetadata\":{{\"promptTokenCount\":{promptTokens},\"candidatesTokenCount\":{candidateTokens},\"totalTokenCount\":{promptTokens + candidateTokens}}}" : "";
            yield return (null, $"{{\"candidates\":[{{\"content\":{{\"parts\":[{{\"text\":{JsonSerializer.Serialize(pieces[i])}}}],\"role\":\"model\"}}{finish},\"index\":0}}]{usage},\"modelVersion\":\"{model}\"}}");
        }
    }
}
