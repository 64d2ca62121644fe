using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Generation;

namespace MySaasChat.Modules.Chat.Endpoints;

internal static class GetUsage
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/usage", HandleAsync);

    private static async Task<IResult> HandleAsync(HttpContext http, ChatDbContext db, Quotas quotas, CancellationToken ct)
    {
        var userId = http.User.UserId();
        var status = await quotas.StatusAsync(db, userId, http.User.PlanClaim(), ct);
        var records = await db.Usage.AsNoTracking().Where(u => u.UserId == userId && u.CreatedAt >= status.PeriodStart).ToListAsync(ct);
        var models = records.GroupBy(r => (r.Model, r.Provider))
            .Select(g => new UsageByModel(g.Key.Model, g.Key.Provider, g.Sum(r => (long)r.PromptTokens), g.Sum(r => (long)r.CompletionTokens), g.Sum(r => r.Cost), g.Count()))
            .OrderByDescending(m => m.PromptTokens + m.CompletionTokens)
            .ToList();
        return TypedResults.Ok(new UsageBody(status.Plan, status.Quota, status.Used, status.Quota == 0 ? -1 : status.Remaining,
            status.PeriodStart, status.ResetsAt, models.Sum(m => m.Cost), models));
    }
}
