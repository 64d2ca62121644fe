using MySaasChat.Contracts;

namespace MySaasChat.Messaging;

public interface IIntegrationEventHandler<in TEvent> where TEvent : IntegrationEvent
{
    Task HandleAsync(TEvent @event, CancellationToken cancellationToken);
}

/// <summary>
/// One handler of one event type in one consumer (a module). <see cref="ContextType"/> is the
/// module's DbContext, which holds the inbox that makes handling idempotent.
/// </summary>
public sealed record EventSubscription(string Consumer, Type EventType, Type HandlerType, Type ContextType)
{
    public string EventName => EventTypes.NameOf(EventType);
    public string HandlerName => $"{Consumer}:{HandlerType.Name}";

    /// <summary>IIntegrationEventHandler&lt;EventType&gt;.HandleAsync, looked up once rather than on every event.</summary>
    internal System.Reflection.MethodInfo HandleMethod { get; } = typeof(IIntegrationEventHandler<>).MakeGenericType(EventType)
        .GetMethod(nameof(IIntegrationEventHandler<IntegrationEvent>.HandleAsync))!;
}

/// <summary>
/// Every subscription of every module, whether or not this process runs it: a publisher declares
/// the queues of consumers that are not running yet, so no event is dropped before they first start.
/// </summary>
public sealed class SubscriptionCatalog
{
    private readonly List<EventSubscription> _all = [];
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);

    public IReadOnlyList<EventSubscription> All => _all;
    public IEnumerable<EventSubscription> Active => _all.Where(s => _active.Contains(s.Consumer));
    public IEnumerable<string> Consumers => _all.Select(s => s.Consumer).Distinct();
    public IEnumerable<string> ActiveConsumers => Consumers.Where(_active.Contains);

    public void Add(EventSubscription subscription) => _all.Add(subscription);
    public void Activate(string consumer) => _active.Add(consumer);
    public bool IsActive(string consumer) => _active.Contains(consumer);

    public IEnumerable<EventSubscription> ActiveFor(string eventName) => Active.Where(s => s.EventName == eventName);
    public IEnumerable<EventSubscription> ActiveFor(string consumer, string eventName) =>
        ActiveFor(eventName).Where(s => s.Consumer == consumer);
}
