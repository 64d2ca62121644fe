using Microsoft.EntityFrameworkCore;
using MySaasChat.Hosting;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;
using MySaasChat.Modules.Chat.Generation;
using MySaasChat.Modules.Chat.Providers;

namespace MySaasChat.Modules.Chat.Endpoints;

public sealed record RegenerateRequest(string? Model) : IValidatable
{
    public void Validate(ValidationErrors errors) => errors.MaxLength("model", Model, 100);
}

/// <summary>A new reply to the same user message, as a sibling of the old one (which stays in the tree).</summary>
internal static class RegenerateMessage
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/messages/{id:guid}/regenerate", HandleAsync);

    private static async Task<IResult> HandleAsync(Guid id, HttpContext http, ChatDbContext db, ProviderCatalog catalog,
        Quotas quotas, ChatSettings settings, CancellationToken ct, RegenerateRequest? request = null)
    {
        var userId = http.User.UserId();
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id && m.UserId == userId, ct);
        if (message is null) return Common.MessageNotFound();
        var userMessage = message.Role == MessageRoles.User
            ? message
            : await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == message.ParentId && m.Role == MessageRoles.User, ct);
        if (userMessage is null) return Problems.Result(StatusCodes.Status409Conflict, "chat.nothing_to_regenerate", "This message has no user message to answer");
        var conversation = await db.OwnConversationAsync(message.ConversationId, userId, ct);
        if (conversation is null) return Common.MessageNotFound();
        var modelId = request?.Model ?? message.Model ?? conversation.Model ?? catalog.DefaultModel;
        var model = catalog.Find(modelId) ?? (request?.Model is null ? catalog.Find(catalog.DefaultModel) : null);
        if (model is null) return Problems.Validation("model", $"model '{modelId}' is not configured; see GET /api/chat/models.");

        var quota = await quotas.StatusAsync(db, userId, http.User.PlanClaim(), ct);
        if (quota.Exceeded) return Replying.QuotaExceeded(quota);
        if (http.RequestServices.GetRequiredService<GenerationRunner>().RunningFor(userId) >= settings.MaxConcurrentReplies)
        {
            return Problems.Result(StatusCodes.Status429TooManyRequests, "chat.too_many_replies",
                "Too many replies at once", $"At most {settings.MaxConcurrentReplies} replies can run at the same time; wait for one to finish or stop it.");
        }
        return await Replying.ReplyAsync(http, db, conversation, userMessage, model, titleChanged: false, ct);
    }
}
