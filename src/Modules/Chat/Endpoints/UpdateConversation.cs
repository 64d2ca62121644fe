using MySaasChat.Hosting;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;
using MySaasChat.Modules.Chat.Hub;
using MySaasChat.Modules.Chat.Providers;

namespace MySaasChat.Modules.Chat.Endpoints;

/// <summary>Only the fields present change; an empty systemPrompt or model clears it.</summary>
public sealed record UpdateConversationRequest(string? Title, string? Model, string? SystemPrompt, bool? Pinned, bool? Archived) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        if (Title is not null && string.IsNullOrWhiteSpace(Title)) errors.Add("title", "title cannot be blank.");
        errors.MaxLength("title", Title, 200).MaxLength("systemPrompt", SystemPrompt, 8000).MaxLength("model", Model, 100);
        if (Title is null && Model is null && SystemPrompt is null && Pinned is null && Archived is null)
        {
            errors.Add("body", "name at least one of title, model, systemPrompt, pinned, archived.");
        }
    }
}

internal static class UpdateConversation
{
    public static void Map(RouteGroupBuilder group) => group.MapPatch("/conversations/{id:guid}", HandleAsync);

    private static async Task<IResult> HandleAsync(Guid id, UpdateConversationRequest request, HttpContext http, ChatDbContext db,
        ProviderCatalog catalog, ChatNotifier notifier, TimeProvider time, CancellationToken ct)
    {
        var userId = http.User.UserId();
        var conversation = await db.OwnConversationAsync(id, userId, ct);
        if (conversation is null) return Common.ConversationNotFound();
        if (!string.IsNullOrEmpty(request.Model) && catalog.Find(request.Model) is null)
        {
            return Problems.Validation("model", $"model '{request.Model}' is not configured; see GET /api/chat/models.");
        }
        if (request.Title is not null) conversation.Title = request.Title.Trim();
        if (request.Model is not null) conversation.Model = request.Model.Length == 0 ? null : catalog.Find(request.Model)!.Id;
        if (request.SystemPrompt is not null) conversation.SystemPrompt = string.IsNullOrWhiteSpace(request.SystemPrompt) ? null : request.SystemPrompt;
        if (request.Pinned is { } pinned) conversation.Pinned = pinned;
        if (request.Archived is { } archived) conversation.Archived = archived;
        conversation.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        var summary = conversation.ToSummary();
        await notifier.ConversationUpdated(userId, summary);
        return TypedResults.Ok(summary);
    }
}
