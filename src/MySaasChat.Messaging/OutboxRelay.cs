using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MySaasChat.Messaging;

public sealed class OutboxOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int BatchSize { get; set; } = 100;
    /// <summary>After this many failed publishes the row is dead-lettered and left for an operator.</summary>
    public int MaxAttempts { get; set; } = 20;
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Publishes a module's unpublished outbox rows, oldest first. A row is claimed by a conditional
/// update before it is published, so several instances of one module never publish the same row
/// at once; a failed publish is retried with exponential backoff.
/// </summary>
public sealed class OutboxRelay<TContext>(
    IServiceScopeFactory scopes,
    IEventTransport transport,
    OutboxSignal signal,
    OutboxOptions options,
    TimeProvider clock,
    ILogger<OutboxRelay<TContext>> logger) : BackgroundService where TContext : ModuleDbContext
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var published = 0;
            try
            {
                published = await RelayOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Outbox relay for {Context} failed; retrying", typeof(TContext).Name);
            }
            if (published < options.BatchSize)
            {
                try
                {
                    await signal.WaitAsync(options.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Publishes what is due now; returns how many rows were published.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = clock.GetUtcNow();
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.PublishedAt == null && m.DeadLetteredAt == null && m.NextAttemptAt <= now)
            .OrderBy(m => m.OccurredAt)
            .Take(options.BatchSize)
            .ToListAsync(ct);

        var published = 0;
        foreach (var row in due)
        {
            var claimedUntil = now + Lease;
            var claimed = await db.OutboxMessages
                .Where(m => m.Id == row.Id && m.PublishedAt == null && m.NextAttemptAt == row.NextAttemptAt)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, claimedUntil), ct);
            if (claimed == 0)
            {
                continue;
            }

            var envelope = new EventEnvelope(row.Id, row.Type, row.Payload, row.OccurredAt, row.TraceParent);
            try
            {
                await transport.PublishAsync(envelope, ct);
                await db.OutboxMessages.Where(m => m.Id == row.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.PublishedAt, clock.GetUtcNow()).SetProperty(m => m.Attempts, row.Attempts + 1), ct);
                MessagingTelemetry.Published.Add(1, new KeyValuePair<string, object?>("type", row.Type));
                published++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var attempts = row.Attempts + 1;
                var error = Text.Truncate($"{ex.GetType().Name}: {ex.Message}", 2000);
                if (attempts >= options.MaxAttempts || ex is PoisonMessageException)
                {
                    logger.LogError(ex, "Event {EventId} ({Type}) dead-lettered after {Attempts} attempts", row.Id, row.Type, attempts);
                    MessagingTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("type", row.Type));
                    await db.OutboxMessages.Where(m => m.Id == row.Id).ExecuteUpdateAsync(s => s
                        .SetProperty(m => m.Attempts, attempts)
                        .SetProperty(m => m.DeadLetteredAt, clock.GetUtcNow())
                        .SetProperty(m => m.LastError, error), CancellationToken.None);
                }
                else
                {
                    var backoff = TimeSpan.FromMilliseconds(Math.Min(options.MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, attempts - 1)));
                    logger.LogWarning("Publishing event {EventId} ({Type}) failed (attempt {Attempts}), next try in {Backoff}: {Error}",
                        row.Id, row.Type, attempts, backoff, error);
                    await db.OutboxMessages.Where(m => m.Id == row.Id).ExecuteUpdateAsync(s => s
                        .SetProperty(m => m.Attempts, attempts)
                        .SetProperty(m => m.NextAttemptAt, clock.GetUtcNow() + backoff)
                        .SetProperty(m => m.LastError, error), CancellationToken.None);
                }
            }
        }
        return published;
    }
}
