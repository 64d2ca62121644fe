using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Hosting;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;

namespace MySaasChat.Modules.Chat.Endpoints;

internal static class Common
{
    public static Guid UserId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirst("sub")!.Value);

    public static string? PlanClaim(this ClaimsPrincipal user) => user.FindFirst("plan")?.Value;

    /// <summary>The caller's conversation, or null: another user's conversation is indistinguishable from none.</summary>
    public static Task<Conversation?> OwnConversationAsync(this ChatDbContext db, Guid id, Guid userId, CancellationToken ct) =>
        db.Conversations.FirstOrDefaultAsync(c => c.Id == id && c.UserId == userId, ct);

    public static IResult ConversationNotFound() => Problems.NotFound("chat.conversation_not_found", "Conversation");

    public static IResult MessageNotFound() => Problems.NotFound("chat.message_not_found", "Message");
}
