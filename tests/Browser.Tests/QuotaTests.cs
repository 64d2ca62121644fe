using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace MySaasChat.Browser.Tests;

[Collection("browser-tiny-quota")]
public sealed class QuotaTests(TinyQuotaFixture fixture)
{
    [Fact]
    public async Task Over_quota_the_chat_says_so_keeps_the_text_and_links_to_plans()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await Pages.SignUpAsync(page, "Barbara Liskov", Pages.NewEmail("barbara"));
        await Pages.ExpectChatAsync(page);

        // The first answer spends more than the whole (tiny) quota.
        await Pages.SendAndWatchAsync(page, "First question");
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "complete");
        await Expect(page.GetByTestId("usage")).ToContainTextAsync("/ 50");

        await page.GetByTestId("prompt").FillAsync("Second question");
        await page.GetByTestId("prompt").PressAsync("Enter");
        await Expect(page.GetByTestId("quota")).ToContainTextAsync("quota");
        await Expect(page.GetByTestId("quota")).ToContainTextAsync("resets");
        await Expect(page.GetByTestId("prompt")).ToHaveValueAsync("Second question");
        await Expect(page.GetByTestId("message-user")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Animations = Microsoft.Playwright.ScreenshotAnimations.Disabled, Path = Path.Combine(BrowserFixture.Artifacts, "quota-1280x800.png") });

        await page.GetByTestId("quota").GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "See plans" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/billing$"));
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Name = "Plans & billing" })).ToBeVisibleAsync();
    }
}
