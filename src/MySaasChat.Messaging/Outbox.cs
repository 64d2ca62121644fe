using Microsoft.EntityFrameworkCore;

namespace MySaasChat.Messaging;

/// <summary>An event written in the same transaction as the state change it announces.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public required string Type { get; set; }
    public required string Payload { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string? TraceParent { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public DateTimeOffset? DeadLetteredAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>Remembers which handler already handled which event, so redelivery does nothing twice.</summary>
public sealed class InboxMessage
{
    public Guid EventId { get; set; }
    public required string Handler { get; set; }
    public DateTimeOffset HandledAt { get; set; }
}

public static class OutboxModel
{
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder model)
    {
        model.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Type).HasMaxLength(200);
            e.Property(x => x.TraceParent).HasMaxLength(128);
            e.Property(x => x.LastError).HasMaxLength(2000);
            e.HasIndex(x => new { x.PublishedAt, x.NextAttemptAt });
        });
        model.Entity<InboxMessage>(e =>
        {
            e.ToTable("inbox_messages");
            e.HasKey(x => new { x.EventId, x.Handler });
            e.Property(x => x.Handler).HasMaxLength(200);
        });
        return model;
    }
}
