using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using MySaasChat.Modules.Notifications.Data;
using MySaasChat.Modules.Notifications.Domain;

namespace MySaasChat.Modules.Notifications.Delivery;

/// <summary>
/// Sends queued emails. Each row is claimed (a lease, so replicas never send one row both), sent,
/// and its outcome recorded: sent, retried later with exponential backoff, or dead-lettered.
/// </summary>
public sealed class EmailSender(
    IServiceScopeFactory scopes,
    IMailTransport transport,
    MailSettings settings,
    EmailSignal signal,
    TimeProvider clock,
    ILogger<EmailSender> logger) : BackgroundService
{
    public const string TemplateHeader = "X-MySaasChat-Template";
    private const int BatchSize = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Email sender started on the {Transport} transport{Where}", transport.Name,
            settings.Smtp is { } smtp ? $" ({smtp.Host}:{smtp.Port})" : $" ({settings.MailDirectory})");
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = settings.PollInterval;
            try
            {
                wait = await SendDueAsync(stoppingToken);
                await HousekeepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database is away, most likely: rows wait in it, nothing is lost.
                logger.LogError(ex, "Email sender pass failed; trying again in {Wait}", wait);
            }
            if (wait > TimeSpan.Zero)
            {
                try { await signal.WaitAsync(wait, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    /// <summary>One pass over the due emails; returns how long to wait before the next.</summary>
    internal async Task<TimeSpan> SendDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var now = clock.GetUtcNow();
        var due = await db.OutgoingEmails.AsNoTracking()
            .Where(e => e.Status == EmailStatus.Pending && e.NextAttemptAt <= now && (e.LockedUntil == null || e.LockedUntil < now))
            .OrderBy(e => e.NextAttemptAt)
            .Take(BatchSize)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return settings.PollInterval;
        }

        IMailSession? session = null;
        try
        {
            foreach (var email in due)
            {
                ct.ThrowIfCancellationRequested();
                if (!await ClaimAsync(db, email, ct))
                {
                    continue;
                }
                DeliveryFailure? failure = null;
                try
                {
                    session ??= await transport.OpenAsync(ct);
                }
                catch (Exception ex)
                {
                    // Refused at connect, greeting or sign-in (even with a 5xx): the server, not this message,
                    // is the problem, so the message waits.
                    failure = DeliveryFailure.Classify(ex) with { Permanent = false, ConnectionBroken = true };
                }
                if (session is not null)
                {
                    try
                    {
                        // Not cancelled by shutdown: a send half done is worse than a shutdown a few seconds late.
                        await session.SendAsync(ToMessage(email), CancellationToken.None);
                    }
                    catch (Exception ex)
                    {
                        failure = DeliveryFailure.Classify(ex);
                    }
                }

                if (failure is null)
                {
                    await MarkSentAsync(db, email);
                    continue;
                }
                await MarkFailedAsync(db, email, failure);
                // A refused message leaves the connection usable in theory; a fresh one is simpler to trust.
                if (session is not null)
                {
                    await session.DisposeAsync();
                    session = null;
                }
                if (failure.ConnectionBroken)
                {
                    // The server is away: the others would fail the same way. They keep their turn.
                    return settings.PollInterval;
                }
            }
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }
        return due.Count == BatchSize ? TimeSpan.Zero : settings.PollInterval;
    }

    private DateTimeOffset _nextCount = DateTimeOffset.MinValue;
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;

    /// <summary>Now and then: refresh the queue gauges, and forget sent emails past the retention.</summary>
    private async Task HousekeepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now < _nextCount && now < _nextPurge)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        if (now >= _nextCount)
        {
            _nextCount = now + TimeSpan.FromSeconds(15);
            NotificationsTelemetry.Pending = await db.OutgoingEmails.CountAsync(e => e.Status == EmailStatus.Pending, ct);
            NotificationsTelemetry.DeadLettered = await db.OutgoingEmails.CountAsync(e => e.Status == EmailStatus.DeadLettered, ct);
        }
        if (now >= _nextPurge)
        {
            _nextPurge = now + TimeSpan.FromHours(1);
            var before = now - settings.Retention;
            var purged = await db.OutgoingEmails.Where(e => e.Status == EmailStatus.Sent && e.SentAt < before).ExecuteDeleteAsync(ct);
            if (purged > 0)
            {
                logger.LogInformation("Forgot {Count} emails sent before {Before:o}", purged, before);
            }
        }
    }

    private async Task<bool> ClaimAsync(NotificationsDbContext db, OutgoingEmail email, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var lease = now + (settings.Smtp?.Timeout ?? TimeSpan.FromSeconds(30)) * 4;
        var claimed = await db.OutgoingEmails
            .Where(e => e.Id == email.Id && e.Status == EmailStatus.Pending && (e.LockedUntil == null || e.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LockedUntil, lease), ct);
        return claimed == 1;
    }

    private async Task MarkSentAsync(NotificationsDbContext db, OutgoingEmail email)
    {
        var now = clock.GetUtcNow();
        await db.OutgoingEmails.Where(e => e.Id == email.Id).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.Status, EmailStatus.Sent)
            .SetProperty(e => e.SentAt, now)
            .SetProperty(e => e.Attempts, email.Attempts + 1)
            .SetProperty(e => e.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(e => e.LastError, (string?)null)
            // The bodies carry live links (reset and verification tokens): not kept once delivered.
            .SetProperty(e => e.HtmlBody, "")
            .SetProperty(e => e.TextBody, ""), CancellationToken.None);
        NotificationsTelemetry.Record(email.Template, "sent");
        logger.LogInformation("Email {Template} {EmailId} sent after {Attempts} attempt(s)", email.Template, email.Id, email.Attempts + 1);
    }

    private async Task MarkFailedAsync(NotificationsDbContext db, OutgoingEmail email, DeliveryFailure failure)
    {
        var now = clock.GetUtcNow();
        var attempts = email.Attempts + 1;
        var reason = failure.Reason.Length > 1900 ? failure.Reason[..1900] : failure.Reason;
        if (failure.Permanent || now - email.CreatedAt > settings.GiveUpAfter)
        {
            if (!failure.Permanent)
            {
                reason = $"gave up after {attempts} attempts over {settings.GiveUpAfter}: {reason}";
            }
            await db.OutgoingEmails.Where(e => e.Id == email.Id).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, EmailStatus.DeadLettered)
                .SetProperty(e => e.DeadLetteredAt, now)
                .SetProperty(e => e.Attempts, attempts)
                .SetProperty(e => e.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(e => e.LastError, reason), CancellationToken.None);
            NotificationsTelemetry.Record(email.Template, "dead_lettered");
            logger.LogWarning("Email {Template} {EmailId} dead-lettered: {Reason}", email.Template, email.Id, reason);
            return;
        }
        var next = now + Backoff(attempts);
        await db.OutgoingEmails.Where(e => e.Id == email.Id).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.NextAttemptAt, next)
            .SetProperty(e => e.Attempts, attempts)
            .SetProperty(e => e.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(e => e.LastError, reason), CancellationToken.None);
        NotificationsTelemetry.Record(email.Template, "retry");
        logger.LogWarning("Email {Template} {EmailId} not sent (attempt {Attempts}), retrying at {Next:o}: {Reason}",
            email.Template, email.Id, attempts, next, reason);
    }

    /// <summary>RetryBase · 2^(attempt-1), at most RetryMax, with ±20 % jitter so replicas do not retry in step.</summary>
    internal TimeSpan Backoff(int attempts)
    {
        var exponential = settings.RetryBase.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, settings.RetryMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    internal MimeMessage ToMessage(OutgoingEmail email) => ToMessage(settings, email);

    public static MimeMessage ToMessage(MailSettings settings, OutgoingEmail email)
    {
        var message = new MimeMessage();
        message.From.Add(settings.From);
        message.To.Add(new MailboxAddress(email.ToName ?? "", email.ToAddress));
        message.Subject = email.Subject;
        message.Date = email.CreatedAt;
        // A stable id: a receiver that gets a message twice (the server took it but the answer was lost) can tell.
        message.MessageId = $"{email.Id:N}@{settings.From.Domain}";
        message.Headers.Add(TemplateHeader, email.Template);
        message.Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody();
        return message;
    }
}
