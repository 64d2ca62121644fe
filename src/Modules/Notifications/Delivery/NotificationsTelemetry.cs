using System.Diagnostics.Metrics;

namespace MySaasChat.Modules.Notifications.Delivery;

public static class NotificationsTelemetry
{
    public const string MeterName = "MySaasChat.Notifications";
    private static readonly Meter Meter = new(MeterName);

    /// <summary>outcome: sent, retry (transient failure, will be tried again), dead_lettered.</summary>
    public static readonly Counter<long> Sent = Meter.CreateCounter<long>(
        "notifications_sent_total", description: "Email delivery attempts by template and outcome");

    // Refreshed by the sender every 15 s; gauges so an alert can fire on dead letters piling up.
    internal static long Pending;
    internal static long DeadLettered;

    static NotificationsTelemetry()
    {
        Meter.CreateObservableGauge("notifications_queue_pending", () => Volatile.Read(ref Pending),
            description: "Emails waiting to be sent (including those waiting for a retry)");
        Meter.CreateObservableGauge("notifications_dead_lettered", () => Volatile.Read(ref DeadLettered),
            description: "Emails given up on, kept in outgoing_emails with the reason");
    }

    public static void Record(string template, string outcome) =>
        Sent.Add(1, new KeyValuePair<string, object?>("template", template), new KeyValuePair<string, object?>("outcome", outcome));
}

/// <summary>Wakes the sender when an email is queued instead of waiting for the next poll.</summary>
public sealed class EmailSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        if (_semaphore.CurrentCount == 0)
        {
            try { _semaphore.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);
}
