using System.Text.Json;
using MySaasChat.Contracts;

namespace MySaasChat.Messaging;

/// <summary>An event as it travels: the serialized record plus what a consumer needs to route and trace it.</summary>
public sealed record EventEnvelope(Guid Id, string Type, string Payload, DateTimeOffset OccurredAt, string? TraceParent)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static EventEnvelope From(IntegrationEvent @event, string? traceParent) =>
        new(@event.Id, EventTypes.NameOf(@event.GetType()), JsonSerializer.Serialize(@event, @event.GetType(), Json),
            @event.OccurredAt, traceParent);
}

/// <summary>A message no retry can help: unknown type or a body that does not deserialize.</summary>
public sealed class PoisonMessageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Maps event records to the stable names used as routing keys and back.</summary>
public static class EventTypes
{
    private static readonly Dictionary<string, Type> ByName = typeof(IntegrationEvent).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(IntegrationEvent).IsAssignableFrom(t))
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static string NameOf(Type type) => type.Name;

    public static void Register(Type type)
    {
        lock (ByName)
        {
            ByName[type.Name] = type;
        }
    }

    public static IntegrationEvent Deserialize(EventEnvelope envelope)
    {
        Type? type;
        lock (ByName)
        {
            ByName.TryGetValue(envelope.Type, out type);
        }
        if (type is null)
        {
            throw new PoisonMessageException($"Unknown event type '{envelope.Type}'.");
        }
        try
        {
            return (IntegrationEvent?)JsonSerializer.Deserialize(envelope.Payload, type, EventEnvelope.Json)
                ?? throw new PoisonMessageException($"Event {envelope.Id} has an empty body.");
        }
        catch (JsonException ex)
        {
            throw new PoisonMessageException($"Event {envelope.Id} of type {envelope.Type} does not deserialize: {ex.Message}", ex);
        }
    }
}
