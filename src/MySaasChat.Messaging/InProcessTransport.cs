namespace MySaasChat.Messaging;

/// <summary>
/// Delivers by calling the handlers directly. A handler that throws fails the publish, so the
/// outbox row stays and is retried; handlers that already succeeded skip it through their inbox.
/// </summary>
public sealed class InProcessTransport(SubscriptionCatalog catalog, EventDispatcher dispatcher) : IEventTransport
{
    public string Name => "in-process";

    public async Task PublishAsync(EventEnvelope envelope, CancellationToken ct)
    {
        List<Exception>? errors = null;
        foreach (var subscription in catalog.ActiveFor(envelope.Type))
        {
            try
            {
                await dispatcher.DispatchAsync(subscription, envelope, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (errors ??= []).Add(ex);
            }
        }
        if (errors is not null)
        {
            throw errors.Count == 1 && errors[0] is PoisonMessageException p ? p : new AggregateException(errors);
        }
    }
}
