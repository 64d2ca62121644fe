extern alias chat;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using chat::MySaasChat.Modules.Chat.Data;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Contracts;
using MySaasChat.Testing;

namespace Integration.Tests.Chat;

/// <summary>The chat module on PostgreSQL, Redis and RabbitMQ.</summary>
public sealed class ChatOnProductionPartsTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task<Dictionary<string, string?>> SettingsAsync()
    {
        var settings = await TestServers.ProductionSettingsAsync();
        settings["CHAT_OFFLINE_DELAY_MS"] = "20";
        return settings;
    }

    private static HttpClient UserClient(TestApp app, Guid userId) => app.CreateClient(app.MintToken(userId));

    private static async Task<ConversationSummary> CreateAsync(HttpClient client, string title)
    {
        var r = await client.PostAsJsonAsync("/api/chat/conversations", new { title });
        r.StatusCode.ShouldBe(HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<ConversationSummary>(Json))!;
    }

    private static async Task<SendMessageResult> SendAsync(HttpClient client, Guid id, string content)
    {
        var r = await client.PostAsJsonAsync($"/api/chat/conversations/{id}/messages", new { content });
        r.StatusCode.ShouldBe(HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        return (await r.Content.ReadFromJsonAsync<SendMessageResult>(Json))!;
    }

    [Fact]
    public async Task Conversations_paging_search_usage_and_user_deletion_work_on_postgres_and_rabbitmq()
    {
        await using var app = await TestApp.StartAsync(await SettingsAsync());
        var userId = Guid.NewGuid();
        var client = UserClient(app, userId);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++) ids.Add((await CreateAsync(client, $"Conversation {i}")).Id);
        (await client.PatchAsJsonAsync($"/api/chat/conversations/{ids[1]}", new { pinned = true })).EnsureSuccessStatusCode();
        var sent = await SendAsync(client, ids[3], "Where is the LIGHTHOUSE?");
        sent.AssistantMessage.State.ShouldBe("complete");

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<ConversationPage>($"/api/chat/conversations?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", Json);
            seen.AddRange(page!.Items.Select(c => c.Id));
            cursor = page.NextCursor;
        } while (cursor is not null);
        seen.ShouldBe([ids[1], ids[3], ids[4], ids[2], ids[0]]);

        var found = await client.GetFromJsonAsync<ConversationPage>("/api/chat/conversations?q=lighthouse", Json);
        found!.Items.Select(c => c.Id).ShouldBe([ids[3]]);

        var usage = await client.GetFromJsonAsync<UsageBody>("/api/chat/usage", Json);
        usage!.Used.ShouldBeGreaterThan(0);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            db.Publish(new UserDeleted(userId, "gone@example.com"));
            await db.SaveChangesAsync();
        }
        await Eventually.TrueAsync(async () =>
            (await client.GetFromJsonAsync<ConversationPage>("/api/chat/conversations", Json))!.Items.Count == 0,
            TimeSpan.FromSeconds(20), "UserDeleted erased the conversations through RabbitMQ");
    }

    [Fact]
    public async Task Two_instances_deliver_each_others_deltas_through_the_redis_backplane()
    {
        var settings = await SettingsAsync();
        await using var a = await TestApp.StartAsync(settings);
        await using var b = await TestApp.StartAsync(settings);
        var userId = Guid.NewGuid();
        var token = a.MintToken(userId);
        var conversation = await CreateAsync(a.CreateClient(token), "Across instances");

        await using var onB = new HubConnectionBuilder()
            .WithUrl(new Uri(b.Server.BaseAddress, "/api/chat/hub"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => b.Server.CreateHandler();
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var deltas = new ConcurrentQueue<string>();
        var completed = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        onB.On<JsonElement>("Delta", d => deltas.Enqueue(d.GetProperty("text").GetString()!));
        onB.On<JsonElement>("Completed", d => completed.TrySetResult(d));
        await onB.StartAsync();
        await onB.InvokeAsync("JoinConversation", conversation.Id);

        var sent = await SendAsync(a.CreateClient(token), conversation.Id, "Hello from instance A");

        var done = await completed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        done.GetProperty("id").GetGuid().ShouldBe(sent.AssistantMessage.Id);
        deltas.Count.ShouldBeGreaterThan(10);
        string.Concat(deltas).ShouldBe(sent.AssistantMessage.Content);
    }

    [Fact]
    public async Task Stop_sent_to_another_instance_stops_the_reply_where_it_runs()
    {
        var settings = await SettingsAsync();
        settings["CHAT_OFFLINE_DELAY_MS"] = "60";
        await using var a = await TestApp.StartAsync(settings);
        await using var b = await TestApp.StartAsync(settings);
        var token = a.MintToken(Guid.NewGuid());
        var conversation = await CreateAsync(a.CreateClient(token), "Stop across");

        var sending = a.CreateClient(token).PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "long answer please" });
        await Eventually.TrueAsync(async () =>
        {
            var d = await b.CreateClient(token).GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", Json);
            return d!.Messages.Count == 2;
        }, TimeSpan.FromSeconds(10), "the reply started");
        await Task.Delay(300);
        (await b.CreateClient(token).PostAsync($"/api/chat/conversations/{conversation.Id}/stop", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await sending.WaitAsync(TimeSpan.FromSeconds(20));
        var result = (await response.Content.ReadFromJsonAsync<SendMessageResult>(Json))!;
        result.AssistantMessage.State.ShouldBe("stopped");
        result.AssistantMessage.Content.Length.ShouldBeGreaterThan(0);
    }
}
