using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MySaasChat.Browser.Tests;

[Collection("browser")]
public sealed class ChatFlowTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_new_user_signs_up_signs_in_chats_with_a_streamed_answer_and_manages_the_conversation()
    {
        var email = Pages.NewEmail("ada");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error" && !m.Text.Contains("Failed to load resource")) problems.Add(m.Text); };
        page.PageError += (_, e) => problems.Add(e);

        // Signed out, the app sends you to sign in.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));

        // Sign up: you land in the chat, signed in. Then sign out and in again.
        await Pages.SignUpAsync(page, "Ada Lovelace", email);
        await Pages.ExpectChatAsync(page);
        await Expect(page.GetByText("How can I help today?")).ToBeVisibleAsync();
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await Pages.SignInAsync(page, email);
        await Expect(Pages.Sidebar(page)).ToContainTextAsync("Ada Lovelace");

        // A new chat: Enter sends, the answer streams in pieces, the address names the conversation.
        await page.GetByTestId("new-chat").ClickAsync();
        var lengths = await Pages.SendAndWatchAsync(page, "Hello there, can you explain **Markdown**?");
        lengths.Count(l => l > 0).ShouldBeGreaterThanOrEqualTo(3, $"the answer should arrive in pieces; lengths seen: {string.Join(",", lengths)}");
        lengths[^1].ShouldBeGreaterThan(lengths.First(l => l > 0));
        await Expect(Pages.LastAnswer(page)).ToContainTextAsync("AI provider");
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "complete");
        await Expect(page).ToHaveURLAsync(Pages.ConversationUrl());
        await Expect(page.GetByTestId("message-user")).ToContainTextAsync("Hello there");
        var title = "Hello there, can you explain";
        await Expect(Pages.Conversation(page, title)).ToBeVisibleAsync();
        await Expect(page.GetByTestId("usage")).ToBeVisibleAsync();
        var conversationUrl = page.Url;
        await page.ScreenshotAsync(new PageScreenshotOptions { Animations = ScreenshotAnimations.Disabled, Path = Path.Combine(BrowserFixture.Artifacts, "chat-1280x800.png") });

        // A reload keeps you signed in (refresh cookie) and finds the conversation.
        await page.ReloadAsync();
        await Pages.ExpectChatAsync(page);
        await Expect(Pages.Conversation(page, title)).ToBeVisibleAsync();
        await Expect(page.GetByTestId("message-user")).ToContainTextAsync("Hello there");
        await Expect(Pages.LastAnswer(page)).ToContainTextAsync("AI provider");

        // A second browser of the same user: sees the conversation, and an answer streaming in from the first.
        await using var second = await fixture.NewContextAsync();
        var other = await second.NewPageAsync();
        await Pages.SignInAsync(other, email);
        await Expect(Pages.Conversation(other, title)).ToBeVisibleAsync();
        await other.GotoAsync(conversationUrl);
        await Expect(other.GetByTestId("message-assistant")).ToHaveCountAsync(1);
        await Expect(other.Locator(".chat")).ToHaveAttributeAsync("data-live", "hub");
        var seenByOther = Pages.WatchNextAnswerAsync(other);
        var seenHere = await Pages.SendAndWatchAsync(page, "Tell me more, please");
        var otherLengths = await seenByOther;
        otherLengths.Count(l => l > 0).ShouldBeGreaterThanOrEqualTo(3, $"the other browser should see the answer arrive in pieces; lengths seen: {string.Join(",", otherLengths)}");
        otherLengths[^1].ShouldBe(seenHere[^1]);
        await Expect(other.GetByTestId("message-user").Last).ToContainTextAsync("Tell me more");
        await Expect(Pages.LastAnswer(other)).ToHaveAttributeAsync("data-state", "complete");
        await Expect(Pages.LastAnswer(other)).ToContainTextAsync("AI provider");
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "complete");

        // Rename, pin.
        await Pages.OpenMenuAsync(page, title);
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Rename" }).ClickAsync();
        await page.GetByLabel("New title").FillAsync("Markdown questions");
        await page.GetByLabel("New title").PressAsync("Enter");
        await Expect(Pages.Conversation(page, "Markdown questions")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("chat-title")).ToHaveTextAsync("Markdown questions");
        await Pages.OpenMenuAsync(page, "Markdown questions");
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Pin" }).ClickAsync();
        await Expect(Pages.Sidebar(page).Locator(".group-label").First).ToHaveTextAsync("Pinned");
        await Expect(Pages.Conversation(page, "Markdown questions").GetByRole(AriaRole.Img, new() { Name = "Pinned" })).ToBeVisibleAsync();

        // Archive hides it from the list; the archived view shows it and brings it back.
        await Pages.OpenMenuAsync(page, "Markdown questions");
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Archive" }).ClickAsync();
        await Expect(Pages.Conversation(page, "Markdown questions")).ToHaveCountAsync(0);
        await page.GetByTestId("show-archived").ClickAsync();
        await Pages.OpenMenuAsync(page, "Markdown questions");
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Unarchive" }).ClickAsync();
        await Expect(Pages.Conversation(page, "Markdown questions")).ToHaveCountAsync(0);
        await page.GetByTestId("show-archived").ClickAsync();
        await Expect(Pages.Conversation(page, "Markdown questions")).ToBeVisibleAsync();
        await page.GotoAsync(conversationUrl);
        await Expect(page.GetByTestId("chat-title")).ToHaveTextAsync("Markdown questions");

        // Search finds it by a word of the answer, and says so when nothing matches.
        await page.GetByLabel("Search conversations").FillAsync("provider");
        await Expect(Pages.Sidebar(page).GetByTestId("conversation")).ToHaveCountAsync(1);
        await page.GetByLabel("Search conversations").FillAsync("zebra-crossing");
        await Expect(Pages.Sidebar(page)).ToContainTextAsync("No chat matches your search.");
        await page.GetByLabel("Search conversations").FillAsync("");
        await Expect(Pages.Conversation(page, "Markdown questions")).ToBeVisibleAsync();

        // The system's dark theme is followed (the default theme is "system").
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        background.ShouldBe("rgb(21, 23, 28)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Animations = ScreenshotAnimations.Disabled, Path = Path.Combine(BrowserFixture.Artifacts, "chat-1280x800-dark.png") });
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });

        // The same page on a phone.
        await page.SetViewportSizeAsync(390, 844);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Open menu" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Animations = ScreenshotAnimations.Disabled, Path = Path.Combine(BrowserFixture.Artifacts, "chat-390x844.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Open menu" }).ClickAsync();
        await Expect(Pages.Conversation(page, "Markdown questions")).ToBeInViewportAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Animations = ScreenshotAnimations.Disabled, Path = Path.Combine(BrowserFixture.Artifacts, "chat-390x844-menu.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Close menu" }).ClickAsync();
        await page.SetViewportSizeAsync(1280, 800);

        // Delete, after confirming: gone here and after a reload.
        await Pages.OpenMenuAsync(page, "Markdown questions");
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Delete" }).ClickAsync();
        await page.GetByTestId("confirm-delete").ClickAsync();
        await Expect(Pages.Conversation(page, "Markdown questions")).ToHaveCountAsync(0);
        await Expect(page).Not.ToHaveURLAsync(Pages.ConversationUrl());
        await page.ReloadAsync();
        await Pages.ExpectChatAsync(page);
        await Expect(Pages.Sidebar(page).GetByTestId("conversation")).ToHaveCountAsync(0);

        // Sign out: the refresh cookie is gone, a reload stays signed out.
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await page.ReloadAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync();

        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_lost_connection_shows_a_banner_and_the_app_resumes_when_it_returns()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await Pages.SignUpAsync(page, "Margaret Hamilton", Pages.NewEmail("margaret"));
        await Pages.ExpectChatAsync(page);
        await Expect(page.Locator(".chat")).ToHaveAttributeAsync("data-live", "hub");

        await context.SetOfflineAsync(true);
        await page.GetByLabel("Search conversations").FillAsync("anything");
        await Expect(page.GetByText("Connection lost. Reconnecting…")).ToBeVisibleAsync();

        await context.SetOfflineAsync(false);
        await Expect(page.GetByText("Connection lost. Reconnecting…")).ToBeHiddenAsync(new() { Timeout = 20_000 });
        await page.GetByLabel("Search conversations").FillAsync("");
        var lengths = await Pages.SendAndWatchAsync(page, "Still there?");
        lengths[^1].ShouldBeGreaterThan(0);
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "complete");
    }
}
