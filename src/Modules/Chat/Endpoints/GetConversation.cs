using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;
using MySaasChat.Modules.Chat.Generation;

namespace MySaasChat.Modules.Chat.Endpoints;

internal static class GetConversation
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/conversations/{id:guid}", HandleAsync);

    private static async Task<IResult> HandleAsync(Guid id, HttpContext http, ChatDbContext db, CancellationToken ct, Guid? leaf = null)
    {
        var conversation = await db.OwnConversationAsync(id, http.User.UserId(), ct);
        if (conversation is null) return Common.ConversationNotFound();
        var all = await db.Messages.AsNoTracking().Where(m => m.ConversationId == id).ToListAsync(ct);
        if (leaf is { } l && all.All(m => m.Id != l))
        {
            return Problems.Validation("leaf", "leaf is not a message of this conversation.");
        }
        var (leafId, branch) = CurrentBranch(all, leaf ?? conversation.CurrentLeafId);
        return TypedResults.Ok(new ConversationDetail(conversation.ToSummary(), leafId, WithSiblings(all, branch)));
    }

    /// <summary>The branch through <paramref name="through"/>, continued down by the newest child to a leaf.</summary>
    public static (Guid? LeafId, List<Message> Branch) CurrentBranch(List<Message> all, Guid? through)
    {
        if (all.Count == 0) return (null, []);
        var start = through is { } t && all.Any(m => m.Id == t) ? t : all.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Last().Id;
        var children = all.Where(m => m.ParentId is not null).ToLookup(m => m.ParentId!.Value);
        var leafId = start;
        for (var guard = 0; guard < all.Count && children[leafId].Any(); guard++)
        {
            leafId = children[leafId].OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).Last().Id;
        }
        return (leafId, ConversationContext.Branch(all, leafId));
    }

    public static List<ChatMessageBody> WithSiblings(List<Message> all, List<Message> branch)
    {
        var byParent = all.ToLookup(m => m.ParentId);
        return branch.Select(m => m.ToBody(byParent[m.ParentId].OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).Select(s => s.Id).ToList())).ToList();
    }
}
