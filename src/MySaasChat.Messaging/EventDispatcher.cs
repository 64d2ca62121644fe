using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySaasChat.Contracts;

namespace MySaasChat.Messaging;

/// <summary>Runs one subscription's handler for one envelope, at most once per event (inbox).</summary>
public sealed class EventDispatcher(IServiceScopeFactory scopes, ILogger<EventDispatcher> logger, TimeProvider clock)
{
    public async Task DispatchAsync(EventSubscription subscription, EventEnvelope envelope, CancellationToken ct)
    {
        var @event = EventTypes.Deserialize(envelope);
        using var activity = MessagingTelemetry.Source.StartActivity(
            $"{envelope.Type} process", ActivityKind.Consumer, envelope.TraceParent);
        activity?.SetTag("messaging.message.id", envelope.Id.ToString());
        activity?.SetTag("messaging.consumer.group.name", subscription.Consumer);

        await using var scope = scopes.CreateAsyncScope();
        var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(subscription.ContextType);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var handled = await db.InboxMessages.AnyAsync(
            m => m.EventId == envelope.Id && m.Handler == subscription.HandlerName, ct);
        if (handled)
        {
            logger.LogDebug("Event {EventId} already handled by {Handler}", envelope.Id, subscription.HandlerName);
            MessagingTelemetry.Consumed.Add(1, new("consumer", subscription.Consumer), new("outcome", "duplicate"));
            return;
        }

        var handler = scope.ServiceProvider.GetRequiredService(subscription.HandlerType);
        await (Task)subscription.HandleMethod.Invoke(handler, System.Reflection.BindingFlags.DoNotWrapExceptions, null, [@event, ct], null)!;

        db.InboxMessages.Add(new InboxMessage
        {
            EventId = envelope.Id,
            Handler = subscription.HandlerName,
            HandledAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        MessagingTelemetry.Consumed.Add(1, new("consumer", subscription.Consumer), new("outcome", "handled"));
    }
}
