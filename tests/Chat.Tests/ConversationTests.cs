using System.Net;
using System.Net.Http.Json;
using MySaasChat.Contracts;
using MySaasChat.Testing;

namespace Chat.Tests;

public sealed class ConversationTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await ChatTestKit.StartAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Without_a_token_every_route_is_401()
    {
        var anonymous = _app.Client;
        (await anonymous.GetAsync("/api/chat/conversations")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/chat/models")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsJsonAsync($"/api/chat/conversations/{Guid.NewGuid()}/messages", new { content = "hi" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_chat_endpoints_are_in_the_openapi_document()
    {
        var doc = await _app.Client.GetStringAsync("/api/openapi/v1.json");
        doc.ShouldContain("/api/chat/conversations/{id}/messages");
        doc.ShouldContain("/api/chat/usage");
    }

    [Fact]
    public async Task Created_conversation_is_read_back_updated_and_deleted()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var created = await client.CreateConversationAsync(new { title = "Trip plans", systemPrompt = "Be brief." });
        created.Title.ShouldBe("Trip plans");
        created.SystemPrompt.ShouldBe("Be brief.");

        var patch = await client.PatchAsJsonAsync($"/api/chat/conversations/{created.Id}", new { title = "Trip to Rome", pinned = true, model = "offline" });
        patch.StatusCode.ShouldBe(HttpStatusCode.OK);
        var detail = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{created.Id}", ChatTestKit.Json);
        detail!.Conversation.Title.ShouldBe("Trip to Rome");
        detail.Conversation.Pinned.ShouldBeTrue();
        detail.Conversation.Model.ShouldBe("offline");
        detail.Messages.ShouldBeEmpty();

        (await client.DeleteAsync($"/api/chat/conversations/{created.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync($"/api/chat/conversations/{created.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_users_conversation_is_404_on_every_route()
    {
        var owner = _app.UserClient(Guid.NewGuid());
        var other = _app.UserClient(Guid.NewGuid());
        var conversation = await owner.CreateConversationAsync(new { title = "Mine" });
        var sent = await owner.SendAsync(conversation.Id, new { content = "secret question" });
        var id = conversation.Id;

        var responses = new[]
        {
            await other.GetAsync($"/api/chat/conversations/{id}"),
            await other.PatchAsJsonAsync($"/api/chat/conversations/{id}", new { title = "stolen" }),
            await other.GetAsync($"/api/chat/conversations/{id}/export?format=json"),
            await other.PostAsJsonAsync($"/api/chat/conversations/{id}/messages", new { content = "hi" }),
            await other.PostAsync($"/api/chat/conversations/{id}/stop", null),
            await other.PostAsJsonAsync($"/api/chat/messages/{sent.AssistantMessage.Id}/regenerate", new { }),
            await other.DeleteAsync($"/api/chat/conversations/{id}"),
        };
        foreach (var r in responses)
        {
            r.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{r.RequestMessage!.Method} {r.RequestMessage.RequestUri}");
        }
        var page = await other.GetFromJsonAsync<ConversationPage>("/api/chat/conversations?q=secret", ChatTestKit.Json);
        page!.Items.ShouldBeEmpty();
        var mine = await owner.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{id}", ChatTestKit.Json);
        mine!.Conversation.Title.ShouldBe("Mine");
        mine.Messages.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Bad_input_names_the_field()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync();
        async Task Expect400(HttpResponseMessage r, string field)
        {
            r.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await r.Content.ReadAsStringAsync());
            (await r.Content.ReadAsStringAsync()).ShouldContain($"\"field\":\"{field}\"");
        }
        await Expect400(await client.PostAsJsonAsync("/api/chat/conversations", new { title = new string('x', 201) }), "title");
        await Expect400(await client.PostAsJsonAsync("/api/chat/conversations", new { model = "no-such-model" }), "model");
        await Expect400(await client.PatchAsJsonAsync($"/api/chat/conversations/{conversation.Id}", new { }), "body");
        await Expect400(await client.PatchAsJsonAsync($"/api/chat/conversations/{conversation.Id}", new { title = " " }), "title");
        await Expect400(await client.PatchAsJsonAsync($"/api/chat/conversations/{conversation.Id}", new { model = "gpt-99" }), "model");
        await Expect400(await client.GetAsync("/api/chat/conversations?limit=0"), "limit");
        await Expect400(await client.GetAsync("/api/chat/conversations?cursor=bm9wZQ"), "cursor");
        await Expect400(await client.GetAsync($"/api/chat/conversations/{conversation.Id}/export?format=pdf"), "format");
        await Expect400(await client.GetAsync($"/api/chat/conversations/{conversation.Id}?leaf={Guid.NewGuid()}"), "leaf");
        await Expect400(await client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "" }), "content");
        await Expect400(await client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "hi", model = "nope" }), "model");
        await Expect400(await client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "hi", parentId = Guid.NewGuid() }), "parentId");
        await Expect400(await client.PostAsJsonAsync($"/api/chat/conversations/{conversation.Id}/messages", new { content = "hi", editOf = Guid.NewGuid() }), "editOf");
        var malformed = await client.PostAsync($"/api/chat/conversations/{conversation.Id}/messages",
            new StringContent("{\"content\":", System.Text.Encoding.UTF8, "application/json"));
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.PostAsJsonAsync($"/api/chat/messages/{Guid.NewGuid()}/regenerate", new { })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // nothing was stored by the refused sends
        var detail = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}", ChatTestKit.Json);
        detail!.Messages.ShouldBeEmpty();
    }

    [Fact]
    public async Task Listing_pages_with_a_cursor_pinned_first_and_hides_archived()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await client.CreateConversationAsync(new { title = $"Conversation {i}" })).Id);
            await Task.Delay(5);
        }
        (await client.PatchAsJsonAsync($"/api/chat/conversations/{ids[0]}", new { pinned = true })).EnsureSuccessStatusCode();
        await Task.Delay(5);
        (await client.PatchAsJsonAsync($"/api/chat/conversations/{ids[2]}", new { archived = true })).EnsureSuccessStatusCode();

        var seen = new List<ConversationSummary>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<ConversationPage>($"/api/chat/conversations?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", ChatTestKit.Json);
            page!.Items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);

        seen.Select(c => c.Id).ShouldBe([ids[0], ids[4], ids[3], ids[1]]);
        var archived = await client.GetFromJsonAsync<ConversationPage>("/api/chat/conversations?archived=true", ChatTestKit.Json);
        archived!.Items.Select(c => c.Id).ShouldBe([ids[2]]);
    }

    [Fact]
    public async Task Search_finds_titles_and_message_text_case_insensitively()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var byTitle = await client.CreateConversationAsync(new { title = "Recipes for Pasta" });
        var byMessage = await client.CreateConversationAsync(new { title = "Misc" });
        await client.SendAsync(byMessage.Id, new { content = "How long do I boil PASTA?" });
        var unrelated = await client.CreateConversationAsync(new { title = "Taxes" });

        var page = await client.GetFromJsonAsync<ConversationPage>("/api/chat/conversations?q=pasta", ChatTestKit.Json);
        page!.Items.Select(c => c.Id).ShouldBe([byMessage.Id, byTitle.Id], ignoreOrder: true);
        page.Items.ShouldNotContain(c => c.Id == unrelated.Id);
    }

    [Fact]
    public async Task Export_gives_markdown_of_the_branch_and_json_of_the_tree()
    {
        var client = _app.UserClient(Guid.NewGuid());
        var conversation = await client.CreateConversationAsync(new { title = "Export me" });
        await client.SendAsync(conversation.Id, new { content = "First question" });

        var md = await client.GetAsync($"/api/chat/conversations/{conversation.Id}/export?format=markdown");
        md.StatusCode.ShouldBe(HttpStatusCode.OK);
        md.Content.Headers.ContentType!.MediaType.ShouldBe("text/markdown");
        md.Content.Headers.ContentDisposition!.FileName!.ShouldContain("export-me.md");
        var text = await md.Content.ReadAsStringAsync();
        text.ShouldStartWith("# Export me");
        text.ShouldContain("**You**");
        text.ShouldContain("First question");
        text.ShouldContain("No AI provider is configured");

        var json = await client.GetFromJsonAsync<ConversationDetail>($"/api/chat/conversations/{conversation.Id}/export?format=json", ChatTestKit.Json);
        json!.Messages.Count.ShouldBe(2);
        json.Messages[0].Role.ShouldBe("user");
    }
}
