namespace MySaasChat.Messaging;

/// <summary>Carries envelopes from the outbox relay to consumers: in process, or through RabbitMQ.</summary>
public interface IEventTransport
{
    string Name { get; }

    /// <summary>Returns once the transport has taken responsibility for the event; throws otherwise.</summary>
    Task PublishAsync(EventEnvelope envelope, CancellationToken ct);
}
