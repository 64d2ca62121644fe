namespace MySaasChat.Modules.Notifications.Domain;

public enum EmailStatus { Pending, Sent, DeadLettered }

/// <summary>
/// One email as rendered when its event was consumed. The row is the queue: the sender sends
/// pending rows and records the outcome, so a message survives restarts and SMTP outages.
/// </summary>
public sealed class OutgoingEmail
{
    public Guid Id { get; set; }
    /// <summary>The event that caused it (null for `notify test`); unique, so one event makes one email.</summary>
    public Guid? EventId { get; set; }
    public required string Template { get; set; }
    public required string ToAddress { get; set; }
    public string? ToName { get; set; }
    public required string Subject { get; set; }
    public required string HtmlBody { get; set; }
    public required string TextBody { get; set; }
    public EmailStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>Set while one sender owns the row, so two replicas never send it both.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? DeadLetteredAt { get; set; }
    /// <summary>Why the last attempt failed, or why the email was dead-lettered.</summary>
    public string? LastError { get; set; }
}
