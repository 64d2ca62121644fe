using System.Text;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;

namespace MySaasChat.Modules.Chat.Endpoints;

/// <summary>Pinned first, then most recently active; a cursor names the last row seen.</summary>
internal static class ListConversations
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/conversations", HandleAsync);

    private static async Task<IResult> HandleAsync(HttpContext http, ChatDbContext db, CancellationToken ct,
        string? cursor = null, int? limit = null, string? q = null, bool? archived = null)
    {
        var size = limit ?? 20;
        if (size is < 1 or > 100) return Problems.Validation("limit", "limit must be from 1 to 100.");
        if (q is { Length: > 200 }) return Problems.Validation("q", "q must be at most 200 characters.");
        (bool Pinned, DateTimeOffset UpdatedAt, Guid Id)? after = null;
        if (cursor is not null)
        {
            after = Decode(cursor);
            if (after is null) return Problems.Validation("cursor", "cursor is not valid; pass the nextCursor of a previous page.");
        }
        var userId = http.User.UserId();
        var wantArchived = archived ?? false;
        var query = db.Conversations.AsNoTracking().Where(c => c.UserId == userId && c.Archived == wantArchived);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim().ToLower();
            query = query.Where(c => c.Title.ToLower().Contains(term)
                || db.Messages.Any(m => m.ConversationId == c.Id && m.Content.ToLower().Contains(term)));
        }
        if (after is { } a)
        {
            query = a.Pinned
                ? query.Where(c => !c.Pinned || c.UpdatedAt < a.UpdatedAt || (c.UpdatedAt == a.UpdatedAt && c.Id.CompareTo(a.Id) < 0))
                : query.Where(c => !c.Pinned && (c.UpdatedAt < a.UpdatedAt || (c.UpdatedAt == a.UpdatedAt && c.Id.CompareTo(a.Id) < 0)));
        }
        var rows = await query.OrderByDescending(c => c.Pinned).ThenByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id)
            .Take(size + 1).ToListAsync(ct);
        var page = rows.Take(size).ToList();
        var next = rows.Count > size ? Encode(page[^1]) : null;
        return TypedResults.Ok(new ConversationPage(page.Select(c => c.ToSummary()).ToList(), next));
    }

    private static string Encode(Conversation c) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{(c.Pinned ? 1 : 0)}|{c.UpdatedAt.UtcTicks}|{c.Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (bool, DateTimeOffset, Guid)? Decode(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|');
            if (parts.Length != 3 || (parts[0] != "0" && parts[0] != "1")) return null;
            if (!long.TryParse(parts[1], out var ticks) || ticks < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks) return null;
            if (!Guid.TryParse(parts[2], out var id)) return null;
            return (parts[0] == "1", new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
