using Microsoft.Extensions.Logging;
using MySaasChat.Contracts;
using MySaasChat.Modules.Notifications.Data;
using MySaasChat.Modules.Notifications.Delivery;
using MySaasChat.Modules.Notifications.Domain;

namespace MySaasChat.Modules.Notifications.Events;

/// <summary>
/// Turns a consumed event into an outgoing email row, inside the handler's transaction (so the
/// inbox and the row commit together: one event, one email). An event that cannot become an email
/// is kept as a dead-lettered row with the reason instead of failing the event forever.
/// </summary>
public sealed class EmailQueue(NotificationsDbContext db, EmailSignal signal, TimeProvider clock, ILogger<EmailQueue> logger)
{
    public void Enqueue(IntegrationEvent @event, string template, string? address, Func<RenderedEmail> render)
    {
        var now = clock.GetUtcNow();
        RenderedEmail? email = null;
        string? problem = null;
        try
        {
            email = render();
        }
        catch (UnsendableEmailException ex)
        {
            problem = ex.Message;
        }

        if (email is null)
        {
            db.OutgoingEmails.Add(new OutgoingEmail
            {
                Id = Guid.CreateVersion7(),
                EventId = @event.Id,
                Template = template,
                ToAddress = Truncate(address ?? "", 320),
                Subject = "",
                HtmlBody = "",
                TextBody = "",
                Status = EmailStatus.DeadLettered,
                CreatedAt = now,
                NextAttemptAt = now,
                DeadLetteredAt = now,
                LastError = Truncate($"not sendable: {problem}", 2000),
            });
            NotificationsTelemetry.Record(template, "dead_lettered");
            logger.LogWarning("Event {EventId} ({EventType}) gives no {Template} email, dead-lettered: {Reason}",
                @event.Id, @event.GetType().Name, template, problem);
            return;
        }

        db.OutgoingEmails.Add(new OutgoingEmail
        {
            Id = Guid.CreateVersion7(),
            EventId = @event.Id,
            Template = email.Template,
            ToAddress = email.ToAddress,
            ToName = email.ToName,
            Subject = email.Subject,
            HtmlBody = email.Html,
            TextBody = email.Text,
            Status = EmailStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        });
        signal.Notify();
    }

    private static string Truncate(string s, int max) => s.Length > max ? s[..max] : s;
}
