using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Messaging;
using MySaasChat.Modules.Chat.Data;

namespace MySaasChat.Modules.Chat.Events;

/// <summary>A deleted account leaves nothing behind in chat: conversations, messages, usage and plan.</summary>
public sealed class UserDeletedHandler(ChatDbContext db) : IIntegrationEventHandler<UserDeleted>
{
    public async Task HandleAsync(UserDeleted @event, CancellationToken cancellationToken)
    {
        var userId = @event.UserId;
        await db.Messages.Where(m => m.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Conversations.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Usage.Where(u => u.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.UserPlans.Where(p => p.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }
}

/// <summary>Keeps chat's projection of each user's plan, which picks the monthly token quota.</summary>
public sealed class SubscriptionChangedHandler(ChatDbContext db, TimeProvider time) : IIntegrationEventHandler<SubscriptionChanged>
{
    public async Task HandleAsync(SubscriptionChanged @event, CancellationToken cancellationToken)
    {
        var plan = await db.UserPlans.FirstOrDefaultAsync(p => p.UserId == @event.UserId, cancellationToken);
        if (plan is null)
        {
            db.UserPlans.Add(new Domain.UserPlan { UserId = @event.UserId, Plan = Domain.Plans.Normalize(@event.Plan), UpdatedAt = @event.OccurredAt });
        }
        else if (plan.UpdatedAt <= @event.OccurredAt)
        {
            plan.Plan = Domain.Plans.Normalize(@event.Plan);
            plan.UpdatedAt = @event.OccurredAt;
        }
        _ = time;
        await db.SaveChangesAsync(cancellationToken);
    }
}
