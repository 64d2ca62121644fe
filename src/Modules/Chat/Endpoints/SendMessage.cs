using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;
using MySaasChat.Modules.Chat.Generation;
using MySaasChat.Modules.Chat.Providers;

namespace MySaasChat.Modules.Chat.Endpoints;

/// <summary>
/// parentId: the message to answer under (default: the end of the current branch). editOf: a user
/// message to edit; the new one becomes its sibling, starting a new branch.
/// </summary>
public sealed record SendMessageRequest(string? Content, string? Model, Guid? ParentId, Guid? EditOf) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("content", Content).MaxLength("model", Model, 100);
        if (ParentId is not null && EditOf is not null) errors.Add("editOf", "give parentId or editOf, not both.");
    }
}

internal static class SendMessage
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/conversations/{id:guid}/messages", HandleAsync);

    private static async Task<IResult> HandleAsync(Guid id, SendMessageRequest request, HttpContext http, ChatDbContext db,
        ProviderCatalog catalog, ChatSettings settings, Quotas quotas, TimeProvider time, CancellationToken ct)
    {
        if (request.Content!.Length > settings.MaxMessageLength)
        {
            return Problems.Validation("content", $"content must be at most {settings.MaxMessageLength} characters.");
        }
        var userId = http.User.UserId();
        var conversation = await db.OwnConversationAsync(id, userId, ct);
        if (conversation is null) return Common.ConversationNotFound();

        var model = request.Model is not null
            ? catalog.Find(request.Model)
            : (conversation.Model is null ? null : catalog.Find(conversation.Model)) ?? catalog.Find(catalog.DefaultModel);
        if (model is null)
        {
            return Problems.Validation("model", $"model '{request.Model}' is not configured; see GET /api/chat/models.");
        }

        Guid? parentId = conversation.CurrentLeafId;
        if (request.ParentId is { } p)
        {
            if (!await db.Messages.AnyAsync(m => m.Id == p && m.ConversationId == id, ct))
                return Problems.Validation("parentId", "parentId is not a message of this conversation.");
            parentId = p;
        }
        else if (request.EditOf is { } e)
        {
            var edited = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == e && m.ConversationId == id, ct);
            if (edited is null || edited.Role != MessageRoles.User)
                return Problems.Validation("editOf", "editOf is not a user message of this conversation.");
            parentId = edited.ParentId;
        }
        else if (parentId is { } leaf && !await db.Messages.AnyAsync(m => m.Id == leaf, ct))
        {
            parentId = null;
        }

        var quota = await quotas.StatusAsync(db, userId, http.User.PlanClaim(), ct);
        if (quota.Exceeded) return Replying.QuotaExceeded(quota);
        if (http.RequestServices.GetRequiredService<GenerationRunner>().RunningFor(userId) >= settings.MaxConcurrentReplies)
        {
            return Problems.Result(StatusCodes.Status429TooManyRequests, "chat.too_many_replies",
                "Too many replies at once", $"At most {settings.MaxConcurrentReplies} replies can run at the same time; wait for one to finish or stop it.");
        }

        // The user's words are stored before any provider is called: nothing typed is ever lost.
        var userMessage = new Message
        {
            ConversationId = id,
            UserId = userId,
            ParentId = parentId,
            Role = MessageRoles.User,
            Content = request.Content,
            State = MessageStates.Complete,
            CreatedAt = time.GetUtcNow(),
        };
        db.Messages.Add(userMessage);
        var titleChanged = false;
        if (conversation.Title == Conversation.DefaultTitle)
        {
            var title = request.Content.ReplaceLineEndings(" ").Trim();
            conversation.Title = title.Length > 60 ? title[..60].TrimEnd() + "…" : title;
            titleChanged = true;
        }
        db.Publish(new MessageSent(userMessage.Id, id, userId, model.Id, request.Content.Length));
        await db.SaveChangesAsync(ct);
        return await Replying.ReplyAsync(http, db, conversation, userMessage, model, titleChanged, ct);
    }
}
