using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MySaasChat.Testing;

namespace MySaasChat.Notifications.Tests;

/// <summary>
/// Identity and Notifications together in target `all` on the embedded defaults: the mail a user
/// receives is a file under DATA_DIR/mail, and its link does what it says.
/// </summary>
public sealed class SignUpMailTests
{
    private const string Password = "correct horse battery staple 42";

    private static string TokenFrom(MimeKit.MimeMessage mail, string path)
    {
        var match = Regex.Match(mail.TextBody!, $@"https://chat\.example\.test/{path}\?token=(\S+)");
        match.Success.ShouldBeTrue($"the mail links to /{path}: {mail.TextBody}");
        mail.HtmlBody!.ShouldContain($"https://chat.example.test/{path}?token=");
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    [Fact]
    public async Task A_sign_up_writes_the_verification_mail_and_its_link_verifies_the_account()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings(("REQUIRE_EMAIL_VERIFICATION", "true")));
        var email = $"ada.{Guid.NewGuid():N}@example.com";
        var signup = await app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, name = "Ada <Lovelace>" });
        signup.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var mail = await app.MailToAsync(email);
        mail.Subject.ShouldBe("Verify your email address for Acme Chat");
        mail.HtmlBody!.ShouldContain("Ada &lt;Lovelace&gt;");
        var token = TokenFrom(mail, "verify-email");

        var tampered = await app.Client.PostAsJsonAsync("/api/auth/verify-email", new { token = token + "x" });
        tampered.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await app.Client.PostAsJsonAsync("/api/auth/verify-email", new { token })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await app.Client.PostAsJsonAsync("/api/auth/verify-email", new { token })).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "a link works once");

        var signin = await app.Client.PostAsJsonAsync("/api/auth/signin", new { email, password = Password });
        signin.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await signin.Content.ReadFromJsonAsync<JsonElement>();
        var me = await app.CreateClient(body.GetProperty("accessToken").GetString()).GetFromJsonAsync<JsonElement>("/api/auth/me");
        me.GetProperty("emailVerified").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_forgotten_password_mail_resets_the_password_once()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings());
        var email = $"grace.{Guid.NewGuid():N}@example.com";
        (await app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, name = "Grace" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        (await app.Client.PostAsJsonAsync("/api/auth/forgot-password", new { email })).IsSuccessStatusCode.ShouldBeTrue();
        MimeKit.MimeMessage? mail = null;
        await Eventually.TrueAsync(() =>
        {
            mail = app.MailFiles().Select(f => MimeKit.MimeMessage.Load(f))
                .FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == email) && m.Subject == "Reset your Acme Chat password");
            return Task.FromResult(mail is not null);
        }, TimeSpan.FromSeconds(15), "the reset mail");
        var token = TokenFrom(mail!, "reset-password");

        const string newPassword = "a brand new passphrase 77";
        (await app.Client.PostAsJsonAsync("/api/auth/reset-password", new { token, password = newPassword })).IsSuccessStatusCode.ShouldBeTrue();
        (await app.Client.PostAsJsonAsync("/api/auth/reset-password", new { token, password = "yet another passphrase 99" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.Client.PostAsJsonAsync("/api/auth/signin", new { email, password = Password })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.Client.PostAsJsonAsync("/api/auth/signin", new { email, password = newPassword })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
