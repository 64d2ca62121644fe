extern alias chat;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Contracts;
using chat::MySaasChat.Modules.Chat.Data;
using MySaasChat.Testing;

namespace Chat.Tests;

public sealed class QuotaTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await ChatTestKit.StartAsync(new()
    {
        ["FREE_MONTHLY_TOKEN_QUOTA"] = "50",
        ["PRO_MONTHLY_TOKEN_QUOTA"] = "1000000",
    });
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Over_quota_is_402_with_reset_date_and_the_message_is_not_stored()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        var first = await client.SendAsync(conversation.Id, new { content = "one" }); // the offline answer alone is over 50 tokens
        (first.AssistantMessage.PromptTokens + first.AssistantMessage.CompletionTokens).ShouldNotBeNull().ShouldBeGreaterThan(50);

        var refused = await client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "two" });
        refused.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        var body = await refused.Content.ReadAsStringAsync();
        body.ShouldContain("\"code\":\"chat.quota_exceeded\"");
        var expectedReset = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        body.ShouldContain(expectedReset.ToString("yyyy-MM-dd"));

        var regenerate = await client.PostAsJsonAsync($"/api/chat/messages/{first.AssistantMessage.Id}/regenerate", new { });
        regenerate.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);

        var detail = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        detail!.Messages.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Quota_just_below_the_limit_still_answers()
    {
        var userId = Guid.NewGuid();
        var client = _app.UserClient(userId);
        var conversation = await client.CreateConversationAsync();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            db.Usage.Add(new chat::MySaasChat.Modules.Chat.Domain.UsageRecord { UserId = userId, Model = "offline", Provider = "offline", PromptTokens = 49, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        (await client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "at 49 of 50" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "over now" })).StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
    }

    [Fact]
    public async Task Last_months_usage_does_not_count()
    {
        var userId = Guid.NewGuid();
        var client = _app.UserClient(userId);
        var conversation = await client.CreateConversationAsync();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            var lastMonth = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(-1);
            db.Usage.Add(new chat::MySaasChat.Modules.Chat.Domain.UsageRecord { UserId = userId, Model = "offline", Provider = "offline", PromptTokens = 10_000, CreatedAt = lastMonth });
            await db.SaveChangesAsync();
        }
        (await client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "new month" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_plan_claim_and_then_SubscriptionChanged_pick_the_quota()
    {
        var userId = Guid.NewGuid();
        var pro = _app.UserClient(userId, plan: "pro");
        (await pro.GetFromJsonAsync<UsageBody>("/api/chat/usage", ChatTestKit.Json))!.Quota.ShouldBe(1_000_000);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            db.Publish(new SubscriptionChanged(userId, "free"));
            await db.SaveChangesAsync();
        }
        await Eventually.TrueAsync(async () =>
            (await pro.GetFromJsonAsync<UsageBody>("/api/chat/usage", ChatTestKit.Json))!.Plan == "free",
            TimeSpan.FromSeconds(10), "plan projected from SubscriptionChanged");
        (await pro.GetFromJsonAsync<UsageBody>("/api/chat/usage", ChatTestKit.Json))!.Quota.ShouldBe(50);
    }
}
