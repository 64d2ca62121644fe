using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MySaasChat.Contracts;
using MySaasChat.Messaging;
using MySaasChat.Modules.Notifications.Data;
using MySaasChat.Modules.Notifications.Domain;
using MySaasChat.Testing;

namespace MySaasChat.Notifications.Tests;

/// <summary>Publishing events into a test app and reading back the mail it writes.</summary>
internal static class MailTestKit
{
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["FRONTEND_URL"] = "https://chat.example.test",
            ["SMTP_FROM_NAME"] = "Acme Chat",
            ["NOTIFICATIONS_POLL_INTERVAL"] = "100ms",
            ["NOTIFICATIONS_RETRY_BASE"] = "100ms",
            ["NOTIFICATIONS_RETRY_MAX"] = "500ms",
        };
        foreach (var (k, v) in extra) settings[k] = v;
        return settings;
    }

    /// <summary>Hands the event to the platform's bus, as an outbox relay would.</summary>
    public static Task PublishAsync(this TestApp app, IntegrationEvent @event) =>
        app.Services.GetRequiredService<IEventTransport>().PublishAsync(EventEnvelope.From(@event, null), CancellationToken.None);

    public static string MailDir(this TestApp app) => Path.Combine(app.DataDir, "mail");

    public static IReadOnlyList<string> MailFiles(this TestApp app) =>
        Directory.Exists(app.MailDir()) ? Directory.GetFiles(app.MailDir(), "*.eml") : [];

    /// <summary>Waits for the one .eml file addressed to <paramref name="to"/> and parses it.</summary>
    public static async Task<MimeMessage> MailToAsync(this TestApp app, string to)
    {
        MimeMessage? found = null;
        await Eventually.TrueAsync(() =>
        {
            foreach (var file in app.MailFiles())
            {
                var message = MimeMessage.Load(file);
                if (message.To.Mailboxes.Any(m => m.Address == to))
                {
                    found = message;
                    return Task.FromResult(true);
                }
            }
            return Task.FromResult(false);
        }, TimeSpan.FromSeconds(15), $"an email to {to} in {app.MailDir()}");
        return found!;
    }

    public static async Task<List<OutgoingEmail>> EmailsAsync(this TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        return await db.OutgoingEmails.AsNoTracking().ToListAsync();
    }

    public static async Task<OutgoingEmail> EmailForAsync(this TestApp app, Guid eventId, Func<OutgoingEmail, bool> until)
    {
        OutgoingEmail? email = null;
        await Eventually.TrueAsync(async () =>
        {
            email = (await app.EmailsAsync()).SingleOrDefault(e => e.EventId == eventId);
            return email is not null && until(email);
        }, TimeSpan.FromSeconds(15), $"the email of event {eventId} to reach the expected state");
        return email!;
    }
}
