using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Messaging;
using MySaasChat.Modules.Identity.Data;

namespace MySaasChat.Modules.Identity.Events;

/// <summary>Keeps the user's plan, which access tokens carry in their `plan` claim, in step with Billing.</summary>
public sealed class SubscriptionChangedHandler(IdentityDbContext db, TimeProvider clock) : IIntegrationEventHandler<SubscriptionChanged>
{
    public async Task HandleAsync(SubscriptionChanged @event, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == @event.UserId, cancellationToken);
        var plan = @event.Plan.Trim().ToLowerInvariant();
        if (user is null || plan.Length is 0 or > 40 || user.Plan == plan)
        {
            return; // a deleted user, or nothing to change; saved with the inbox row by the dispatcher
        }
        user.Plan = plan;
        user.UpdatedAt = clock.GetUtcNow();
    }
}
