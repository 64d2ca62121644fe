using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Contracts;
using MySaasChat.Messaging;
using MySaasChat.Modules.Notifications;
using MySaasChat.Modules.Notifications.Data;
using MySaasChat.Modules.Notifications.Domain;
using MySaasChat.Testing;

namespace MySaasChat.Integration.Tests.Notifications;

/// <summary>Email through a real SMTP server (maildev), and through one that refuses.</summary>
[Collection(MaildevCollection.Name)]
public sealed class SmtpDeliveryTests(Maildev maildev)
{
    private const string Frontend = "https://chat.example.test";

    private static Dictionary<string, string?> SmtpSettings(int port, Dictionary<string, string?>? baseSettings = null)
    {
        var settings = baseSettings ?? [];
        settings["SMTP_HOST"] = "127.0.0.1";
        settings["SMTP_PORT"] = port.ToString();
        settings["SMTP_FROM"] = "no-reply@example.test";
        settings["SMTP_FROM_NAME"] = "Acme Chat";
        settings["SMTP_TIMEOUT"] = "5s";
        settings["FRONTEND_URL"] = Frontend;
        settings["NOTIFICATIONS_POLL_INTERVAL"] = "100ms";
        settings["NOTIFICATIONS_RETRY_BASE"] = "200ms";
        settings["NOTIFICATIONS_RETRY_MAX"] = "1s";
        return settings;
    }

    private static Task PublishAsync(TestApp app, IntegrationEvent @event) =>
        app.Services.GetRequiredService<IEventTransport>().PublishAsync(EventEnvelope.From(@event, null), CancellationToken.None);

    private static async Task<OutgoingEmail?> RowAsync(TestApp app, Guid eventId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        return await db.OutgoingEmails.AsNoTracking().SingleOrDefaultAsync(e => e.EventId == eventId);
    }

    private static string Unique(string what) => $"{what}-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task Every_template_arrives_with_its_subject_links_and_both_parts()
    {
        await using var app = await TestApp.StartAsync(SmtpSettings(maildev.SmtpPort));
        var user = Guid.NewGuid();
        var cases = new (IntegrationEvent Event, string To, string Subject, string? Link)[]
        {
            Case(to => new EmailVerificationRequested(user, to, "Ada", "v-tok"), "Verify your email address for Acme Chat", $"{Frontend}/verify-email?token=v-tok"),
            Case(to => new PasswordResetRequested(user, to, "Ada", "r-tok"), "Reset your Acme Chat password", $"{Frontend}/reset-password?token=r-tok"),
            Case(to => new UserSignedIn(user, to, Guid.NewGuid(), "Firefox on Linux", "192.0.2.10", true), "New sign-in to your Acme Chat account", $"{Frontend}/settings/security"),
            Case(to => new TwoFactorChanged(user, to, "Ada", true), "Two-factor authentication is on for your Acme Chat account", $"{Frontend}/settings/security"),
            Case(to => new TwoFactorChanged(user, to, "Ada", false), "Two-factor authentication was turned off for your Acme Chat account", $"{Frontend}/settings/security"),
            Case(to => new UserDeleted(user, to), "Your Acme Chat account has been deleted", null),
            Case(to => new PaymentSucceeded(user, to, "Ada", "in_1", 1900, "usd", "Pro plan", DateTimeOffset.UtcNow, null), "Your Acme Chat receipt (19.00 USD)", $"{Frontend}/settings/billing"),
            Case(to => new PaymentFailed(user, to, "Ada", "in_2", 1900, "usd", "Pro plan", "card_declined", null), "Your Acme Chat payment of 19.00 USD failed", $"{Frontend}/settings/billing"),
            Case(to => new QuotaThresholdReached(user, to, "Ada", 80, 800, 1000, "tokens", "Free", null), "You have used 80% of your Acme Chat tokens quota", $"{Frontend}/settings/billing"),
            Case(to => new QuotaThresholdReached(user, to, "Ada", 100, 1000, 1000, "tokens", "Free", null), "You have used all of your Acme Chat tokens quota", $"{Frontend}/settings/billing"),
        };

        foreach (var c in cases)
        {
            await PublishAsync(app, c.Event);
        }

        foreach (var c in cases)
        {
            List<ReceivedEmail> received = [];
            await Eventually.TrueAsync(async () => (received = await maildev.EmailsToAsync(c.To)).Count > 0,
                TimeSpan.FromSeconds(20), $"'{c.Subject}' to arrive at maildev");
            var email = received.ShouldHaveSingleItem();
            email.Subject.ShouldBe(c.Subject);
            email.From.ShouldHaveSingleItem().Address.ShouldBe("no-reply@example.test");
            email.Text.ShouldNotBeNullOrWhiteSpace();
            email.Html.ShouldNotBeNullOrWhiteSpace();
            email.Text.ShouldContain("Acme Chat");
            if (c.Link is not null)
            {
                email.Text.ShouldContain(c.Link);
                email.Html.ShouldContain($"href=\"{c.Link}\"");
            }
            // maildev stores the mail before the sender hears its 250: the row follows a moment later.
            await Eventually.TrueAsync(async () => await RowAsync(app, c.Event.Id) is { Status: EmailStatus.Sent },
                TimeSpan.FromSeconds(10), $"the row of '{c.Subject}' to be marked sent");
        }

        static (IntegrationEvent, string, string, string?) Case(Func<string, IntegrationEvent> make, string subject, string? link)
        {
            var to = Unique("tpl");
            return (make(to), to, subject, link);
        }
    }

    [Fact]
    public async Task Mail_queued_while_the_smtp_server_is_down_is_delivered_exactly_once_when_it_returns()
    {
        // The production parts: PostgreSQL for the queue, RabbitMQ carrying the event.
        var settings = SmtpSettings(maildev.SmtpPort, await TestServers.ProductionSettingsAsync());
        await using var app = await TestApp.StartAsync(settings);
        var to = Unique("outage");
        var evt = new EmailVerificationRequested(Guid.NewGuid(), to, "Out Age", "outage-token");

        await maildev.StopAsync();
        try
        {
            await PublishAsync(app, evt);

            // Tried and failed while the server was away: still pending, with the reason.
            await Eventually.TrueAsync(async () => await RowAsync(app, evt.Id) is { Attempts: >= 2, Status: EmailStatus.Pending },
                TimeSpan.FromSeconds(30), "the email to be retried while SMTP is down");
            (await RowAsync(app, evt.Id))!.LastError.ShouldNotBeNull().ShouldContain("cannot reach the SMTP server");
        }
        finally
        {
            await maildev.StartAsync();
        }

        await Eventually.TrueAsync(async () => (await maildev.EmailsToAsync(to)).Count > 0, TimeSpan.FromSeconds(30), "the email after SMTP returned");
        await Eventually.TrueAsync(async () => await RowAsync(app, evt.Id) is { Status: EmailStatus.Sent }, TimeSpan.FromSeconds(10), "the row to be marked sent");
        var row = await RowAsync(app, evt.Id);
        row.ShouldNotBeNull();
        row.Attempts.ShouldBeGreaterThanOrEqualTo(3);

        // Give a duplicate every chance to show up: more polls, the event delivered again.
        await PublishAsync(app, evt);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var received = await maildev.EmailsToAsync(to);
        received.ShouldHaveSingleItem().Text.ShouldNotBeNull().ShouldContain($"{Frontend}/verify-email?token=outage-token");
    }

    [Fact]
    public async Task A_5xx_refusal_dead_letters_the_email_with_the_servers_reason_without_retrying()
    {
        await using var refuser = new RefusingSmtpServer();
        await using var app = await TestApp.StartAsync(SmtpSettings(refuser.Port));
        var to = Unique("refused");
        var evt = new PasswordResetRequested(Guid.NewGuid(), to, "Ref Used", "tok");

        await PublishAsync(app, evt);

        await Eventually.TrueAsync(async () => await RowAsync(app, evt.Id) is { Status: EmailStatus.DeadLettered },
            TimeSpan.FromSeconds(20), "the refused email to be dead-lettered");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var row = await RowAsync(app, evt.Id);
        row.ShouldNotBeNull().Status.ShouldBe(EmailStatus.DeadLettered);
        row.Attempts.ShouldBe(1);
        row.DeadLetteredAt.ShouldNotBeNull();
        row.LastError.ShouldNotBeNull().ShouldContain("550");
        row.LastError.ShouldContain("user unknown");
        refuser.Refused.ShouldBe(1);
    }

    [Fact]
    public async Task Detailed_health_reports_the_smtp_server_healthy_while_it_answers_and_degraded_when_it_is_down()
    {
        await using var app = await TestApp.StartAsync(SmtpSettings(maildev.SmtpPort));

        (await SmtpCheckAsync(app)).GetProperty("status").GetString().ShouldBe("healthy");

        await maildev.StopAsync();
        try
        {
            var response = await app.Client.GetAsync("/health/detailed");
            response.IsSuccessStatusCode.ShouldBeTrue(); // optional: mail waits in the queue
            var smtp = await SmtpCheckAsync(app);
            smtp.GetProperty("status").GetString().ShouldBe("degraded");
            smtp.GetProperty("error").GetString().ShouldNotBeNull().ShouldContain($"127.0.0.1:{maildev.SmtpPort}");
        }
        finally
        {
            await maildev.StartAsync();
        }
    }

    [Fact]
    public async Task Notify_test_sends_a_test_email_through_the_smtp_server()
    {
        var to = Unique("notify");
        var config = new ConfigurationBuilder().AddInMemoryCollection(SmtpSettings(maildev.SmtpPort)).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await NotifyCommand.RunAsync(["test", "--to", to], config, output, error);

        code.ShouldBe(0, error.ToString());
        output.ToString().ShouldContain($"127.0.0.1:{maildev.SmtpPort}");
        var email = (await maildev.EmailsToAsync(to)).ShouldHaveSingleItem();
        email.Subject.ShouldBe("Acme Chat test email");
        email.Html.ShouldNotBeNullOrWhiteSpace();
        email.Text.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Notify_test_fails_with_the_reason_when_the_smtp_server_refuses()
    {
        await using var refuser = new RefusingSmtpServer();
        var config = new ConfigurationBuilder().AddInMemoryCollection(SmtpSettings(refuser.Port)).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await NotifyCommand.RunAsync(["test", "--to", "ops@example.com"], config, output, error);

        code.ShouldBe(1);
        error.ToString().ShouldContain("550");
    }

    private static async Task<JsonElement> SmtpCheckAsync(TestApp app)
    {
        var body = await app.Client.GetFromJsonAsync<JsonElement>("/health/detailed");
        var smtp = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "smtp");
        smtp.GetProperty("required").GetBoolean().ShouldBeFalse();
        return smtp;
    }
}
