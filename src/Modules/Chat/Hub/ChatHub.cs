using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Modules.Chat.Data;

namespace MySaasChat.Modules.Chat.Hub;

/// <summary>
/// Live updates for every device of a user: a client joins the conversations it shows and receives
/// MessageCreated, Delta and Completed for them; ConversationUpdated goes to all of the user's clients.
/// </summary>
[Authorize]
public sealed class ChatHub(ChatDbContext db) : Microsoft.AspNetCore.SignalR.Hub
{
    public static string UserGroup(Guid userId) => $"user:{userId}";
    public static string ConversationGroup(Guid conversationId) => $"conversation:{conversationId}";

    private Guid UserId => Guid.Parse(Context.User!.FindFirst("sub")!.Value);

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(UserId));
        await base.OnConnectedAsync();
    }

    public async Task JoinConversation(Guid conversationId)
    {
        var userId = UserId;
        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId && c.UserId == userId))
        {
            throw new HubException("conversation not found");
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, ConversationGroup(conversationId));
    }

    public Task LeaveConversation(Guid conversationId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, ConversationGroup(conversationId));
}

/// <summary>Sends hub messages; a hub failure never breaks a generation.</summary>
public sealed class ChatNotifier(IHubContext<ChatHub> hub, ILogger<ChatNotifier> logger)
{
    public Task ConversationUpdated(Guid userId, object conversation) =>
        SafeAsync(() => hub.Clients.Group(ChatHub.UserGroup(userId)).SendAsync("ConversationUpdated", conversation));

    public Task MessageCreated(Guid conversationId, object payload) =>
        SafeAsync(() => hub.Clients.Group(ChatHub.ConversationGroup(conversationId)).SendAsync("MessageCreated", payload));

    public Task Delta(Guid conversationId, Guid messageId, string text) =>
        SafeAsync(() => hub.Clients.Group(ChatHub.ConversationGroup(conversationId)).SendAsync("Delta", new { conversationId, messageId, text }));

    public Task Completed(Guid conversationId, object message) =>
        SafeAsync(() => hub.Clients.Group(ChatHub.ConversationGroup(conversationId)).SendAsync("Completed", message));

    private async Task SafeAsync(Func<Task> send)
    {
        try { await send(); }
        catch (Exception ex) { logger.LogWarning(ex, "Hub message could not be sent"); }
    }
}
