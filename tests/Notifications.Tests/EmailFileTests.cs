using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MySaasChat.Contracts;
using MySaasChat.Modules.Notifications.Domain;
using MySaasChat.Testing;

namespace MySaasChat.Notifications.Tests;

/// <summary>The embedded default: events become .eml files under DATA_DIR/mail.</summary>
public sealed class EmailFileTests
{
    [Fact]
    public async Task Verification_request_writes_a_mail_file_with_both_parts_the_subject_and_the_link()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings());
        var userId = Guid.NewGuid();

        await app.PublishAsync(new EmailVerificationRequested(userId, "ada@example.com", "Ada", "tok+en/1="));

        var mail = await app.MailToAsync("ada@example.com");
        mail.Subject.ShouldBe("Verify your email address for Acme Chat");
        mail.From.Mailboxes.Single().Name.ShouldBe("Acme Chat");
        const string link = "https://chat.example.test/verify-email?token=tok%2Ben%2F1%3D";
        mail.TextBody!.ShouldContain(link);
        mail.TextBody!.ShouldContain("Hi Ada,");
        mail.HtmlBody!.ShouldContain($"href=\"{link}\"");
        mail.HtmlBody!.ShouldContain("Acme Chat");
    }

    [Fact]
    public async Task Password_reset_request_mails_the_reset_link()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings());

        await app.PublishAsync(new PasswordResetRequested(Guid.NewGuid(), "bob@example.com", "Bob", "reset-123"));

        var mail = await app.MailToAsync("bob@example.com");
        mail.Subject.ShouldBe("Reset your Acme Chat password");
        mail.TextBody!.ShouldContain("https://chat.example.test/reset-password?token=reset-123");
        mail.HtmlBody!.ShouldContain("href=\"https://chat.example.test/reset-password?token=reset-123\"");
    }

    [Fact]
    public async Task User_text_is_escaped_in_the_html_part()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings());

        await app.PublishAsync(new TwoFactorChanged(Guid.NewGuid(), "eve@example.com", "<script>alert(1)</script> & \"Eve\"", true));
        await app.PublishAsync(new UserSignedIn(Guid.NewGuid(), "mal@example.com", Guid.NewGuid(),
            "<img src=x onerror=alert(1)>", "203.0.113.9", NewDevice: true));

        var twoFactor = await app.MailToAsync("eve@example.com");
        twoFactor.HtmlBody!.ShouldNotContain("<script>");
        twoFactor.HtmlBody!.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Eve&quot;");
        twoFactor.TextBody!.ShouldContain("Hi <script>alert(1)</script> & \"Eve\",");

        var signIn = await app.MailToAsync("mal@example.com");
        signIn.Subject.ShouldBe("New sign-in to your Acme Chat account");
        signIn.HtmlBody!.ShouldNotContain("<img");
        signIn.HtmlBody!.ShouldContain("&lt;img src=x onerror=alert(1)&gt;");
        signIn.TextBody!.ShouldContain("203.0.113.9");
    }

    [Fact]
    public async Task An_event_without_a_valid_address_or_token_is_dead_lettered_with_the_reason_and_mails_nothing()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings());
        var badAddress = new EmailVerificationRequested(Guid.NewGuid(), "not-an-address", "X", "token");
        var noToken = new PasswordResetRequested(Guid.NewGuid(), "real@example.com", "Real", " ");
        var badCurrency = new PaymentSucceeded(Guid.NewGuid(), "pay@example.com", "Pay", "in_1", 1000, "dollars", "Pro", DateTimeOffset.UtcNow, null);

        // The event itself is handled (not retried forever): the problem is kept on the email row.
        await app.PublishAsync(badAddress);
        await app.PublishAsync(noToken);
        await app.PublishAsync(badCurrency);

        var emails = await app.EmailsAsync();
        var address = emails.Single(e => e.EventId == badAddress.Id);
        address.Status.ShouldBe(EmailStatus.DeadLettered);
        address.LastError.ShouldNotBeNull().ShouldContain("'not-an-address' is not an email address");
        var token = emails.Single(e => e.EventId == noToken.Id);
        token.Status.ShouldBe(EmailStatus.DeadLettered);
        token.LastError.ShouldNotBeNull().ShouldContain("no token");
        emails.Single(e => e.EventId == badCurrency.Id).LastError.ShouldNotBeNull().ShouldContain("'dollars' is not an ISO 4217 currency code");

        await Task.Delay(500);
        app.MailFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_mailed_once()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings());
        var evt = new UserDeleted(Guid.NewGuid(), "gone@example.com");

        await app.PublishAsync(evt);
        await app.PublishAsync(evt);

        var mail = await app.MailToAsync("gone@example.com");
        mail.Subject.ShouldBe("Your Acme Chat account has been deleted");
        var row = await app.EmailForAsync(evt.Id, e => e.Status == EmailStatus.Sent);
        row.HtmlBody.ShouldBeEmpty(); // delivered: the bodies (which may carry tokens) are not kept
        row.TextBody.ShouldBeEmpty();
        await Task.Delay(300);
        app.MailFiles().Count.ShouldBe(1);
        (await app.EmailsAsync()).Count(e => e.EventId == evt.Id).ShouldBe(1);
    }

    [Fact]
    public async Task A_sign_in_from_a_known_device_sends_nothing()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings());

        await app.PublishAsync(new UserSignedIn(Guid.NewGuid(), "known@example.com", Guid.NewGuid(), "Firefox on Linux", "198.51.100.1", NewDevice: false));
        await app.PublishAsync(new UserSignedIn(Guid.NewGuid(), "new@example.com", Guid.NewGuid(), "Safari on iPhone", "198.51.100.2", NewDevice: true));

        await app.MailToAsync("new@example.com");
        await Task.Delay(300);
        app.MailFiles().Count.ShouldBe(1);
        (await app.EmailsAsync()).ShouldNotContain(e => e.ToAddress == "known@example.com");
    }

    [Fact]
    public async Task Sent_mail_is_counted_by_template_and_outcome_on_metrics()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings());
        var evt = new QuotaThresholdReached(Guid.NewGuid(), "quota@example.com", "Q", 100, 100_000, 100_000, "tokens", "Free", null);

        await app.PublishAsync(evt);
        await app.EmailForAsync(evt.Id, e => e.Status == EmailStatus.Sent);

        string metrics = "";
        await Eventually.TrueAsync(async () =>
        {
            metrics = await app.Client.GetStringAsync("/metrics");
            return metrics.Contains("notifications_sent_total{", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "notifications_sent_total on /metrics");
        metrics.Split('\n').ShouldContain(l => l.StartsWith("notifications_sent_total{") && l.Contains("template=\"quota_100\"") && l.Contains("outcome=\"sent\""));
        metrics.ShouldContain("notifications_queue_pending");
        metrics.ShouldContain("notifications_dead_lettered");
    }

    [Fact]
    public async Task Detailed_health_reports_an_unreachable_smtp_server_as_degraded_without_failing()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings(
            ("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", "1"), ("SMTP_FROM", "no-reply@example.test")));

        var response = await app.Client.GetAsync("/health/detailed");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("degraded");
        var smtp = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "smtp");
        smtp.GetProperty("status").GetString().ShouldBe("degraded");
        smtp.GetProperty("required").GetBoolean().ShouldBeFalse();
        smtp.GetProperty("error").GetString().ShouldNotBeNull().ShouldContain("127.0.0.1:1");
    }

    [Fact]
    public async Task Without_smtp_host_detailed_health_has_no_smtp_check()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings());

        var body = await app.Client.GetFromJsonAsync<JsonElement>("/health/detailed");

        body.GetProperty("checks").EnumerateArray().ShouldNotContain(c => c.GetProperty("name").GetString() == "smtp");
        body.GetProperty("checks").EnumerateArray().ShouldContain(c => c.GetProperty("name").GetString() == "database:notifications");
    }
}
