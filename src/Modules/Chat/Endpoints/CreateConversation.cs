using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;
using MySaasChat.Modules.Chat.Hub;
using MySaasChat.Modules.Chat.Providers;

namespace MySaasChat.Modules.Chat.Endpoints;

public sealed record CreateConversationRequest(string? Title, string? Model, string? SystemPrompt) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        if (Title is not null && string.IsNullOrWhiteSpace(Title)) errors.Add("title", "title cannot be blank.");
        errors.MaxLength("title", Title, 200).MaxLength("systemPrompt", SystemPrompt, 8000).MaxLength("model", Model, 100);
    }
}

internal static class CreateConversation
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/conversations", HandleAsync);

    private static async Task<IResult> HandleAsync(CreateConversationRequest request, HttpContext http, ChatDbContext db,
        ProviderCatalog catalog, ChatNotifier notifier, TimeProvider time, CancellationToken ct)
    {
        if (request.Model is not null && catalog.Find(request.Model) is null)
        {
            return Problems.Validation("model", $"model '{request.Model}' is not configured; see GET /api/chat/models.");
        }
        var userId = http.User.UserId();
        var now = time.GetUtcNow();
        var conversation = new Conversation
        {
            UserId = userId,
            Title = request.Title?.Trim() ?? Conversation.DefaultTitle,
            Model = request.Model is null ? null : catalog.Find(request.Model)!.Id,
            SystemPrompt = string.IsNullOrWhiteSpace(request.SystemPrompt) ? null : request.SystemPrompt,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Conversations.Add(conversation);
        db.Publish(new ConversationCreated(conversation.Id, userId, conversation.Title));
        await db.SaveChangesAsync(ct);
        var summary = conversation.ToSummary();
        await notifier.ConversationUpdated(userId, summary);
        return TypedResults.Created($"/api/chat/conversations/{conversation.Id}", summary);
    }
}
