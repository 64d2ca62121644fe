using Microsoft.EntityFrameworkCore;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Generation;
using MySaasChat.Modules.Chat.Hub;

namespace MySaasChat.Modules.Chat.Endpoints;

/// <summary>Deletes the conversation and its messages; usage stays, so deleting never refunds quota.</summary>
internal static class DeleteConversation
{
    public static void Map(RouteGroupBuilder group) => group.MapDelete("/conversations/{id:guid}", HandleAsync);

    private static async Task<IResult> HandleAsync(Guid id, HttpContext http, ChatDbContext db, GenerationRunner runner,
        ChatNotifier notifier, CancellationToken ct)
    {
        var userId = http.User.UserId();
        var conversation = await db.OwnConversationAsync(id, userId, ct);
        if (conversation is null) return Common.ConversationNotFound();
        await runner.StopAsync(id);
        await db.Messages.Where(m => m.ConversationId == id).ExecuteDeleteAsync(ct);
        await db.Conversations.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        await notifier.ConversationUpdated(userId, new { id, deleted = true });
        return TypedResults.NoContent();
    }
}
