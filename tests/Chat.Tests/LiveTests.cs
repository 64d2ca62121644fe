using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using MySaasChat.Contracts;
using MySaasChat.Testing;

namespace Chat.Tests;

/// <summary>Stop, disconnect and the hub, with a slow offline model so there is time to act mid-reply.</summary>
public sealed class LiveTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await ChatTestKit.StartAsync(new()
    {
        ["CHAT_OFFLINE_DELAY_MS"] = "40",
        ["CHAT_SAVE_INTERVAL"] = "200ms",
        ["CHAT_MAX_CONCURRENT_REPLIES"] = "1",
    });
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static readonly string FullAnswer = MySaasChatOffline.Answer("Tell me a long story");

    [Fact]
    public async Task Stop_keeps_what_was_generated_as_stopped()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/chat/conversations/{conversation.Id}/messages")
        {
            Content = JsonContent.Create(new { content = "Tell me a long story" }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var deltas = 0;
        while (deltas < 3 && await reader.ReadLineAsync() is { } line)
        {
            if (line == "event: delta") deltas++;
        }

        var stop = await client.PostAsync($"/api/chat/conversations/{conversation.Id}/stop", null);
        stop.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await stop.Content.ReadAsStringAsync()).ShouldContain("\"stopped\":1");
        var rest = await ChatTestKit.ReadEventsAsync(reader.BaseStream);

        var done = rest.Last(e => e.Event == "done").Data;
        done["state"]!.GetValue<string>().ShouldBe("stopped");
        var detail = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        var reply = detail!.Messages[^1];
        reply.State.ShouldBe("stopped");
        reply.Content.Length.ShouldBeGreaterThan(0);
        reply.Content.Length.ShouldBeLessThan(FullAnswer.Length);
        FullAnswer.ShouldStartWith(reply.Content);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_finds_the_whole_reply_when_it_comes_back()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        using (var cts = new CancellationTokenSource())
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/chat/conversations/{conversation.Id}/messages")
            {
                Content = JsonContent.Create(new { content = "Tell me a long story" }),
            };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            while (await reader.ReadLineAsync(cts.Token) is { } line && line != "event: delta") { }
            await cts.CancelAsync();
            response.Dispose();
        }

        await Eventually.TrueAsync(async () =>
        {
            var detail = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
            return detail!.Messages[^1].State == "complete";
        }, TimeSpan.FromSeconds(20), "the reply is finished without the client");
        var final = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        final!.Messages[^1].Content.ShouldBe(FullAnswer);
    }

    [Fact]
    public async Task A_reply_in_progress_is_readable_and_a_second_one_at_once_is_refused()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        var other = await client.CreateConversationAsync();
        var sending = client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "Tell me a long story" });

        await Eventually.TrueAsync(async () =>
        {
            var d = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
            return d!.Messages.Count == 2 && d.Messages[1].State == "streaming" && d.Messages[1].Content.Length > 0;
        }, TimeSpan.FromSeconds(10), "the partial reply is saved while it streams");

        var second = await client.PostAsJsonAsync($"/api/chat/conversations/{other.Id}/messages", new { content = "me too" });
        second.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await second.ProblemAsync()).Code.ShouldBe("chat.too_many_replies");
        var untouched = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{other.Id}", ChatTestKit.Json);
        untouched!.Messages.ShouldBeEmpty();

        var done = await (await sending).Content.ReadFromJsonAsync<SendMessageResult>(ChatTestKit.Json);
        done!.AssistantMessage.Content.ShouldBe(FullAnswer);
        (await client.PostAsJsonAsync($"/api/chat/conversations/{other.Id}/messages", new { content = "now" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Two_hub_clients_of_one_user_receive_the_same_deltas()
    {
        var userId = Guid.NewGuid();
        var token = _app.MintToken(userId);
        var client = _app.CreateClient(token);
        var conversation = await client.CreateConversationAsync();

        await using var tab1 = await ConnectAsync(token, HttpTransportType.WebSockets);
        await using var tab2 = await ConnectAsync(token, HttpTransportType.LongPolling);
        var seen1 = Record(tab1);
        var seen2 = Record(tab2);
        await tab1.InvokeAsync("JoinConversation", conversation.Id);
        await tab2.InvokeAsync("JoinConversation", conversation.Id);

        var sent = await client.SendAsync(conversation.Id, new { content = "Tell me a long story" });

        await Eventually.TrueAsync(() => Task.FromResult(seen1.Completed.Count == 1 && seen2.Completed.Count == 1), TimeSpan.FromSeconds(15), "both tabs complete");
        seen1.Deltas.Count.ShouldBeGreaterThan(10);
        seen1.Deltas.ShouldBe(seen2.Deltas);
        string.Concat(seen1.Deltas).ShouldBe(sent.AssistantMessage.Content);
        seen1.Created.ShouldHaveSingleItem();
        seen1.Completed.Single().GetProperty("state").GetString().ShouldBe("complete");
        seen1.Updated.Count.ShouldBeGreaterThan(0); // the title was set from the first message
    }

    [Fact]
    public async Task A_hub_client_cannot_join_another_users_conversation_or_connect_without_a_token()
    {
        var owner = _app.UserClient(Guid.NewGuid());
        var conversation = await owner.CreateConversationAsync();
        await using var intruder = await ConnectAsync(_app.MintToken(Guid.NewGuid()), HttpTransportType.WebSockets);
        var ex = await Should.ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>(() => intruder.InvokeAsync("JoinConversation", conversation.Id));
        ex.Message.ShouldContain("not found");

        await using var anonymous = Build(null, HttpTransportType.LongPolling);
        await Should.ThrowAsync<HttpRequestException>(() => anonymous.StartAsync());
    }

    private sealed record Seen(ConcurrentQueue<string> DeltaQueue, List<JsonElement> Created, List<JsonElement> Completed, List<JsonElement> Updated)
    {
        public List<string> Deltas => [.. DeltaQueue];
    }

    private static Seen Record(HubConnection connection)
    {
        var seen = new Seen(new(), [], [], []);
        connection.On<JsonElement>("Delta", d => seen.DeltaQueue.Enqueue(d.GetProperty("text").GetString()!));
        connection.On<JsonElement>("MessageCreated", d => { lock (seen.Created) seen.Created.Add(d); });
        connection.On<JsonElement>("Completed", d => { lock (seen.Completed) seen.Completed.Add(d); });
        connection.On<JsonElement>("ConversationUpdated", d => { lock (seen.Updated) seen.Updated.Add(d); });
        return seen;
    }

    private async Task<HubConnection> ConnectAsync(string token, HttpTransportType transport)
    {
        var connection = Build(token, transport);
        await connection.StartAsync();
        return connection;
    }

    private HubConnection Build(string? token, HttpTransportType transport) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(_app.Server.BaseAddress, "/api/chat/hub"), o =>
            {
                o.Transports = transport;
                o.HttpMessageHandlerFactory = _ => _app.Server.CreateHandler();
                if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.WebSocketFactory = async (context, ct) =>
                {
                    var ws = _app.Server.CreateWebSocketClient();
                    // Browsers cannot set headers on WebSockets: the token goes in the query, as the web app sends it.
                    var uri = token is null ? context.Uri : new Uri(context.Uri + (context.Uri.Query.Length > 0 ? "&" : "?") + "access_token=" + token);
                    return await ws.ConnectAsync(uri, ct);
                };
            })
            .Build();
}

internal static class MySaasChatOffline
{
    public static string Answer(string question) => TestsAccess.OfflineAnswer(question);
}
