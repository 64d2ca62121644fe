using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Chat.Data;
using MySaasChat.Modules.Chat.Domain;

namespace MySaasChat.Modules.Chat.Endpoints;

/// <summary>markdown: the current branch as a readable transcript; json: every message of the tree.</summary>
internal static class ExportConversation
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/conversations/{id:guid}/export", HandleAsync);

    private static async Task<IResult> HandleAsync(Guid id, HttpContext http, ChatDbContext db,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct, string? format = null)
    {
        format = (format ?? "markdown").ToLowerInvariant();
        if (format is not ("markdown" or "json")) return Problems.Validation("format", "format must be markdown or json.");
        var conversation = await db.OwnConversationAsync(id, http.User.UserId(), ct);
        if (conversation is null) return Common.ConversationNotFound();
        var all = await db.Messages.AsNoTracking().Where(m => m.ConversationId == id).ToListAsync(ct);
        var slug = new string(conversation.Title.Select(ch => char.IsLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '-').ToArray()).Trim('-');
        if (slug.Length == 0) slug = "conversation";
        if (slug.Length > 60) slug = slug[..60];
        if (format == "json")
        {
            var ordered = all.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToList();
            var body = new ConversationDetail(conversation.ToSummary(), conversation.CurrentLeafId,
                GetConversation.WithSiblings(ordered, ordered));
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body, json.Value.SerializerOptions);
            return TypedResults.File(bytes, "application/json", $"{slug}.json");
        }
        var (_, branch) = GetConversation.CurrentBranch(all, conversation.CurrentLeafId);
        var md = new StringBuilder();
        md.Append("# ").AppendLine(conversation.Title).AppendLine();
        if (conversation.SystemPrompt is not null) md.AppendLine("> System: " + conversation.SystemPrompt.ReplaceLineEndings(" ")).AppendLine();
        foreach (var m in branch)
        {
            var who = m.Role == MessageRoles.User ? "You" : $"Assistant ({m.Model ?? "unknown model"})";
            md.Append("**").Append(who).Append("**");
            if (m.State != MessageStates.Complete) md.Append(" _(").Append(m.State).Append(")_");
            md.AppendLine().AppendLine().AppendLine(m.Content).AppendLine();
        }
        return TypedResults.File(Encoding.UTF8.GetBytes(md.ToString()), "text/markdown; charset=utf-8", $"{slug}.md");
    }
}
