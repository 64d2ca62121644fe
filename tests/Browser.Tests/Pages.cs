using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MySaasChat.Browser.Tests;

/// <summary>What a user does on the pages, in the words on the screen.</summary>
internal static partial class Pages
{
    public const string Password = "Violet-Kettle-Orbit-42";

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    public static async Task SignUpAsync(IPage page, string name, string email, string password = Password)
    {
        await page.GotoAsync("/signup");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByTestId("sign-up").ClickAsync();
    }

    public static async Task SignInAsync(IPage page, string email, string password = Password)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
        await ExpectChatAsync(page);
    }

    public static async Task ExpectChatAsync(IPage page) =>
        await Expect(page.GetByTestId("prompt")).ToBeVisibleAsync();

    public static ILocator Sidebar(IPage page) => page.Locator("aside.sidebar");

    public static ILocator Conversation(IPage page, string title) =>
        Sidebar(page).GetByTestId("conversation").Filter(new LocatorFilterOptions { HasText = title });

    public static ILocator LastAnswer(IPage page) => page.GetByTestId("message-assistant").Last;

    /// <summary>Types a message, presses Enter and records the answer's length each time it changes, until it is complete.</summary>
    public static async Task<int[]> SendAndWatchAsync(IPage page, string text)
    {
        await page.GetByTestId("prompt").FillAsync(text);
        var watching = WatchNextAnswerAsync(page);
        await page.GetByTestId("prompt").PressAsync("Enter");
        return await watching;
    }

    /// <summary>Records the length of the next answer that appears on the page each time it changes, until it is complete.</summary>
    public static async Task<int[]> WatchNextAnswerAsync(IPage page)
    {
        var before = await page.GetByTestId("message-assistant").CountAsync();
        return await page.EvaluateAsync<int[]>(@"(before) => new Promise(resolve => {
            const seen = []; const started = Date.now();
            const timer = setInterval(() => {
                const answers = document.querySelectorAll('[data-testid=message-assistant]');
                if (answers.length > before) {
                    const last = answers[answers.length - 1];
                    const body = last.querySelector('.markdown');
                    const length = body ? body.textContent.length : 0;
                    if (seen.length === 0 || seen[seen.length - 1] !== length) seen.push(length);
                    if (last.dataset.state !== 'streaming' && length > 0) { clearInterval(timer); resolve(seen); }
                }
                if (Date.now() - started > 45000) { clearInterval(timer); resolve(seen); }
            }, 15);
        })", before);
    }

    public static async Task OpenMenuAsync(IPage page, string title)
    {
        await Conversation(page, title).HoverAsync();
        await Conversation(page, title).GetByTestId("conversation-menu").ClickAsync();
    }

    [GeneratedRegex(@"/c/[0-9a-f-]{36}$")]
    public static partial Regex ConversationUrl();
}
