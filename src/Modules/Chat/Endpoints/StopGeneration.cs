using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Generation;

namespace MySaasChat.Modules.Chat.Endpoints;

/// <summary>Stops the running reply; what was generated so far is kept with state "stopped".</summary>
internal static class StopGeneration
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/conversations/{id:guid}/stop", HandleAsync);

    private static async Task<IResult> HandleAsync(Guid id, HttpContext http, ChatDbContext db, GenerationRunner runner, CancellationToken ct)
    {
        var conversation = await db.OwnConversationAsync(id, http.User.UserId(), ct);
        if (conversation is null) return Common.ConversationNotFound();
        var stopped = await runner.StopAsync(id);
        return TypedResults.Ok(new { stopped });
    }
}
