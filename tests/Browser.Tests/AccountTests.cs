using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MySaasChat.Browser.Tests;

[Collection("browser")]
public sealed class AccountTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Errors_are_shown_next_to_the_field_at_fault()
    {
        await using var context = await fixture.NewContextAsync(390, 844);
        var page = await context.NewPageAsync();
        var email = Pages.NewEmail("grace");

        // A common password is refused under the password field, and nothing else is flagged.
        await Pages.SignUpAsync(page, "Grace Hopper", email, "password");
        await Expect(page.GetByTestId("password-error")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Password")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByTestId("email-error")).ToHaveCountAsync(0);
        await Expect(page).ToHaveURLAsync(new Regex("/signup"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Animations = ScreenshotAnimations.Disabled, Path = Path.Combine(BrowserFixture.Artifacts, "signup-error-390x844.png") });

        // A malformed email is refused under the email field.
        await page.GetByLabel("Email").FillAsync("not-an-email");
        await page.GetByLabel("Password").FillAsync(Pages.Password);
        await page.GetByTestId("sign-up").ClickAsync();
        await Expect(page.GetByTestId("email-error")).ToBeVisibleAsync();

        // A wrong password at sign-in says so, without saying which of the two was wrong.
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("Wrong-Password-123");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("form-error")).ToContainTextAsync("Invalid email or password");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
    }

    [Fact]
    public async Task Sign_in_offers_the_providers_the_server_has_and_sends_the_browser_to_them_with_pkce()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        // GitHub itself is not reachable from here: answer for it and look at where the browser was sent.
        await page.RouteAsync("https://github.com/**", route => route.FulfillAsync(new() { Status = 200, ContentType = "text/plain", Body = "GitHub stand-in" }));

        await page.GotoAsync("/signin?error=oauth_denied");
        await Expect(page.GetByTestId("form-error")).ToContainTextAsync("cancelled at the provider");
        await Expect(page.GetByTestId("oauth-google")).ToHaveCountAsync(0);
        await page.GetByTestId("oauth-github").ClickAsync();
        await page.WaitForURLAsync(new Regex("^https://github\\.com/login/oauth/authorize"));
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        query["client_id"].ShouldBe("browser-test-client");
        query["code_challenge_method"].ShouldBe("S256");
        query["state"].ShouldNotBeNullOrEmpty();
        query["redirect_uri"].ShouldBe($"{fixture.BaseUrl}/api/auth/oauth/github/callback");
    }

    [Fact]
    public async Task Two_factor_set_up_in_settings_then_sign_in_asks_for_the_code()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var email = Pages.NewEmail("alan");
        await Pages.SignUpAsync(page, "Alan Turing", email);
        await Pages.ExpectChatAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
        var secret = (await page.GetByTestId("totp-secret").TextContentAsync())!.Trim();

        // A wrong code is refused next to the code field.
        await page.GetByLabel("6-digit code").FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Expect(page.GetByTestId("tfa-code-error")).ToBeVisibleAsync();

        await page.GetByLabel("6-digit code").FillAsync(Totp.Code(secret, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Expect(page.GetByText("Two-factor authentication is on")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Animations = ScreenshotAnimations.Disabled, FullPage = true, Path = Path.Combine(BrowserFixture.Artifacts, "settings-1280.png") });
        var recovery = (await page.Locator("ul.codes code").First.TextContentAsync())!.Trim();

        await page.GetByTestId("sign-out").ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Pages.Password);
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByLabel("Authentication code")).ToBeVisibleAsync();
        await page.GetByLabel("Authentication code").FillAsync("123");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("totp-error")).ToBeVisibleAsync();
        await page.GetByLabel("Authentication code").FillAsync(recovery);
        await page.GetByTestId("sign-in").ClickAsync();
        await Pages.ExpectChatAsync(page);
    }

    [Fact]
    public async Task Esc_stops_the_answer_and_regenerate_writes_a_new_version()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await Pages.SignUpAsync(page, "Edsger Dijkstra", Pages.NewEmail("edsger"));
        await Pages.ExpectChatAsync(page);

        await page.GetByTestId("prompt").FillAsync("Write something long");
        await page.GetByTestId("prompt").PressAsync("Shift+Enter");
        await page.GetByTestId("prompt").PressSequentiallyAsync("on two lines");
        await Expect(page.GetByTestId("prompt")).ToHaveValueAsync("Write something long\non two lines");
        await page.GetByTestId("prompt").PressAsync("Enter");
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "streaming");
        await Expect(Pages.LastAnswer(page).Locator(".markdown")).Not.ToBeEmptyAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "stopped");
        await Expect(Pages.LastAnswer(page)).ToContainTextAsync("Stopped.");
        var stopped = (await Pages.LastAnswer(page).Locator(".markdown").TextContentAsync())!;
        stopped.ShouldNotContain("restart the chat service", Case.Insensitive, "the answer was cut short");

        // What was written is kept after a reload.
        await page.ReloadAsync();
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "stopped");

        await page.GetByTestId("regenerate").ClickAsync();
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "complete", new() { Timeout = 30_000 });
        await Expect(Pages.LastAnswer(page)).ToContainTextAsync("restart the chat service");
        await Expect(Pages.LastAnswer(page).GetByText("2/2")).ToBeVisibleAsync();
        await Pages.LastAnswer(page).GetByRole(AriaRole.Button, new() { Name = "Previous version" }).ClickAsync();
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "stopped");
        await Expect(Pages.LastAnswer(page).GetByText("1/2")).ToBeVisibleAsync();

        // Editing the question starts a new branch with its own answer; the old one stays a version away.
        var question = page.GetByTestId("message-user").Last;
        await question.GetByRole(AriaRole.Button, new() { Name = "Edit message" }).ClickAsync();
        await page.GetByLabel("Edit your message").FillAsync("Write something short instead");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save & send" }).ClickAsync();
        await Expect(Pages.LastAnswer(page)).ToHaveAttributeAsync("data-state", "complete", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("message-user").Last).ToContainTextAsync("Write something short instead");
        await Expect(page.GetByTestId("message-user").Last.GetByText("2/2")).ToBeVisibleAsync();
        await page.GetByTestId("message-user").Last.GetByRole(AriaRole.Button, new() { Name = "Previous version" }).ClickAsync();
        await Expect(page.GetByTestId("message-user").Last).ToContainTextAsync("on two lines");
    }
}

/// <summary>RFC 6238 codes, as an authenticator app computes them.</summary>
internal static class Totp
{
    public static string Code(string base32Secret, DateTimeOffset at)
    {
        var key = Base32(base32Secret);
        var counter = at.ToUnixTimeSeconds() / 30;
        var message = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian) Array.Reverse(message);
        var hash = System.Security.Cryptography.HMACSHA1.HashData(key, message);
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = text.TrimEnd('=').Replace(" ", "").ToUpperInvariant();
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
