namespace MySaasChat.Contracts;

/// <summary>
/// An event one module publishes for others. The routing key is the record's type name, so
/// renaming an event record is a breaking change for every consumer.
/// </summary>
public abstract record IntegrationEvent
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
}
