using Microsoft.EntityFrameworkCore;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;

namespace MySaasChat.Modules.Chat.Generation;

public sealed record QuotaStatus(string Plan, long Quota, long Used, DateTimeOffset PeriodStart, DateTimeOffset ResetsAt)
{
    public bool Exceeded => Quota > 0 && Used >= Quota;
    public long Remaining => Quota == 0 ? long.MaxValue : Math.Max(0, Quota - Used);
}

/// <summary>Monthly token quota per plan, from chat's own projection of the user's plan (the token's plan claim until Billing says otherwise).</summary>
public sealed class Quotas(ChatSettings settings, TimeProvider time)
{
    public static (DateTimeOffset Start, DateTimeOffset End) Month(DateTimeOffset now)
    {
        var start = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (start, start.AddMonths(1));
    }

    public async Task<string> PlanOfAsync(ChatDbContext db, Guid userId, string? claimPlan, CancellationToken ct)
    {
        var projected = await db.UserPlans.AsNoTracking().Where(p => p.UserId == userId).Select(p => p.Plan).FirstOrDefaultAsync(ct);
        return Plans.Normalize(projected ?? claimPlan);
    }

    public async Task<QuotaStatus> StatusAsync(ChatDbContext db, Guid userId, string? claimPlan, CancellationToken ct)
    {
        var plan = await PlanOfAsync(db, userId, claimPlan, ct);
        var (start, end) = Month(time.GetUtcNow());
        var used = await db.Usage.AsNoTracking()
            .Where(u => u.UserId == userId && u.CreatedAt >= start)
            .SumAsync(u => (long)u.PromptTokens + u.CompletionTokens, ct);
        return new QuotaStatus(plan, settings.QuotaOf(plan), used, start, end);
    }
}
