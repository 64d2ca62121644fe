extern alias chat;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Contracts;
using MySaasChat.Messaging;
using chat::MySaasChat.Modules.Chat.Data;
using MySaasChat.Testing;

namespace Chat.Tests;

public sealed class MessageTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await ChatTestKit.StartAsync(new() { ["FREE_MONTHLY_TOKEN_QUOTA"] = "100000" });
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Without_a_provider_the_offline_model_says_so_and_how_to_configure_one()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        var result = await client.SendAsync(conversation.Id, new { content = "What is the capital of France?" });

        result.UserMessage.Content.ShouldBe("What is the capital of France?");
        result.AssistantMessage.State.ShouldBe("complete");
        result.AssistantMessage.Provider.ShouldBe("offline");
        result.AssistantMessage.Model.ShouldBe("offline");
        result.AssistantMessage.Content.ShouldContain("No AI provider is configured");
        result.AssistantMessage.Content.ShouldContain("OPENAI_API_KEY");
        result.AssistantMessage.Content.ShouldContain("What is the capital of France?");
        result.AssistantMessage.ParentId.ShouldBe(result.UserMessage.Id);

        var detail = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        detail!.Conversation.Title.ShouldBe("What is the capital of France?");
        detail.Messages.Select(m => m.Id).ShouldBe([result.UserMessage.Id, result.AssistantMessage.Id]);
        detail.LeafId.ShouldBe(result.AssistantMessage.Id);
    }

    [Fact]
    public async Task Streaming_sends_created_then_many_deltas_then_usage_and_done()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        var events = await client.StreamAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "Stream please" });

        events[0].Event.ShouldBe("message.created");
        var deltas = events.Where(e => e.Event == "delta").Select(e => e.Data["text"]!.GetValue<string>()).ToList();
        deltas.Count.ShouldBeGreaterThan(10);
        events.Select(e => e.Event).ShouldContain("usage");
        events[^1].Event.ShouldBe("done");
        var done = events[^1].Data;
        done["state"]!.GetValue<string>().ShouldBe("complete");
        done["content"]!.GetValue<string>().ShouldBe(string.Concat(deltas));
        var usage = events.Single(e => e.Event == "usage").Data;
        usage["completionTokens"]!.GetValue<int>().ShouldBeGreaterThan(0);
        usage["promptTokens"]!.GetValue<int>().ShouldBeGreaterThan(0);

        var stored = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        stored!.Messages[^1].Content.ShouldBe(string.Concat(deltas));
    }

    [Fact]
    public async Task Editing_a_message_makes_a_branch_and_leaf_picks_it()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        var first = await client.SendAsync(conversation.Id, new { content = "Question one" });
        var second = await client.SendAsync(conversation.Id, new { content = "Question two" });
        second.UserMessage.ParentId.ShouldBe(first.AssistantMessage.Id);

        var edited = await client.SendAsync(conversation.Id, new { content = "Question two, edited", editOf = second.UserMessage.Id });
        edited.UserMessage.ParentId.ShouldBe(first.AssistantMessage.Id);

        var current = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        current!.Messages.Select(m => m.Content).ShouldContain("Question two, edited");
        current.Messages.Count.ShouldBe(4);
        current.Messages[2].SiblingIds.ShouldBe([second.UserMessage.Id, edited.UserMessage.Id]);

        var old = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}?leaf={second.AssistantMessage.Id}", ChatTestKit.Json);
        old!.Messages.Select(m => m.Id).ShouldBe([first.UserMessage.Id, first.AssistantMessage.Id, second.UserMessage.Id, second.AssistantMessage.Id]);

        // a leaf in the middle continues down its newest child
        var throughFirst = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}?leaf={first.UserMessage.Id}", ChatTestKit.Json);
        throughFirst!.Messages.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Regenerate_adds_a_sibling_reply_to_the_same_user_message()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        var sent = await client.SendAsync(conversation.Id, new { content = "Say it again" });

        var response = await client.PostAsJsonAsync($"/api/chat/messages/{sent.AssistantMessage.Id}/regenerate", new { });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var again = (await response.Content.ReadFromJsonAsync<SendMessageResult>(ChatTestKit.Json))!;
        again.AssistantMessage.Id.ShouldNotBe(sent.AssistantMessage.Id);
        again.AssistantMessage.ParentId.ShouldBe(sent.UserMessage.Id);

        var detail = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        detail!.Messages[^1].Id.ShouldBe(again.AssistantMessage.Id);
        detail.Messages[^1].SiblingIds.ShouldBe([sent.AssistantMessage.Id, again.AssistantMessage.Id]);

        var bad = await client.PostAsJsonAsync($"/api/chat/messages/{sent.AssistantMessage.Id}/regenerate", new { model = "nope" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.ProblemAsync()).Code.ShouldBe("validation_failed");

        var noBody = await client.PostAsync($"/api/chat/messages/{sent.UserMessage.Id}/regenerate", null);
        noBody.StatusCode.ShouldBe(HttpStatusCode.OK, await noBody.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Models_lists_the_offline_model_as_default_and_available()
    {
        var models = await _app.UserClient(Guid.NewGuid()).GetFromJsonAsync<List<ModelBody>>("/api/chat/models", ChatTestKit.Json);
        var offline = models!.ShouldHaveSingleItem();
        offline.Id.ShouldBe("offline");
        offline.Available.ShouldBeTrue();
        offline.IsDefault.ShouldBeTrue();
        offline.ContextWindow.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Usage_counts_this_months_tokens_and_events_are_published()
    {
        var userId = Guid.NewGuid();
        var client = _app.UserClient(userId);
        var conversation = await client.CreateConversationAsync();
        var sent = await client.SendAsync(conversation.Id, new { content = "Count me" });

        var usage = await client.GetFromJsonAsync<UsageBody>("/api/chat/usage", ChatTestKit.Json);
        usage!.Plan.ShouldBe("free");
        usage.Quota.ShouldBe(100_000);
        usage.Used.ShouldBe((long)(sent.AssistantMessage.PromptTokens + sent.AssistantMessage.CompletionTokens)!);
        usage.Used.ShouldBeGreaterThan(0);
        usage.ResetsAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow);
        usage.ResetsAt.Day.ShouldBe(1);
        usage.Models.ShouldHaveSingleItem().Model.ShouldBe("offline");

        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        var types = db.OutboxMessages.Select(o => o.Type).ToList();
        types.ShouldContain("ConversationCreated");
        types.ShouldContain("MessageSent");
        types.ShouldContain("CompletionFinished");
    }

    [Fact]
    public async Task Deleting_the_user_erases_their_conversations()
    {
        var userId = Guid.NewGuid();
        var client = _app.UserClient(userId);
        var conversation = await client.CreateConversationAsync();
        await client.SendAsync(conversation.Id, new { content = "forget me" });
        var keeper = _app.UserClient(Guid.NewGuid());
        var kept = await keeper.CreateConversationAsync();

        await PublishAsync(new UserDeleted(userId, "x@example.com"));

        await Eventually.TrueAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<ConversationPage>("/api/chat/conversations", ChatTestKit.Json);
            return page!.Items.Count == 0;
        }, TimeSpan.FromSeconds(10), "conversations erased");
        (await keeper.GetAsync($"/api/chat/conversations/{kept.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Replies_left_streaming_by_a_dead_process_are_marked_failed_at_start()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        var sent = await client.SendAsync(conversation.Id, new { content = "hello" });
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
            var orphan = db.Messages.Single(m => m.Id == sent.AssistantMessage.Id);
            orphan.State = "streaming";
            await db.SaveChangesAsync();
        }

        await _app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
            .OfType<chat::MySaasChat.Modules.Chat.Generation.GenerationRunner>().Single().StartAsync(CancellationToken.None);

        var detail = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        detail!.Messages[^1].State.ShouldBe("failed");
        detail.Messages[^1].Error!.ShouldContain("interrupted");
        detail.Messages[^1].Content.ShouldBe(sent.AssistantMessage.Content);
    }

    private async Task PublishAsync(IntegrationEvent e)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        db.Publish(e);
        await db.SaveChangesAsync();
    }
}
