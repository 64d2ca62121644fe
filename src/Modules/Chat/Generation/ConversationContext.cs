using Microsoft.Extensions.AI;
using MySaasChat.Modules.Chat.Domain;
using MySaasChat.Modules.Chat.Providers;

namespace MySaasChat.Modules.Chat.Generation;

/// <summary>What the model is sent: the system prompt and the end of the branch, trimmed to fit the context window.</summary>
public sealed class ConversationContext(ChatSettings settings, TokenCounter tokens)
{
    private const int PerMessageOverhead = 4;

    /// <summary>The path from the root to <paramref name="leafId"/>.</summary>
    public static List<Message> Branch(IReadOnlyCollection<Message> all, Guid leafId)
    {
        var byId = all.ToDictionary(m => m.Id);
        var path = new List<Message>();
        for (Guid? id = leafId; id is { } i && byId.TryGetValue(i, out var m); id = m.ParentId)
        {
            path.Add(m);
            if (path.Count > all.Count) break; // a cycle cannot happen through the API; never loop forever
        }
        path.Reverse();
        return path;
    }

    public (List<ChatMessage> Messages, int PromptTokens) Build(string? systemPrompt, IReadOnlyList<Message> branch, int contextWindow)
    {
        var usable = branch
            .Where(m => !(m.Role == MessageRoles.Assistant && (m.State == MessageStates.Failed || m.State == MessageStates.Streaming) && m.Content.Length == 0))
            .TakeLast(settings.MaxContextMessages)
            .ToList();
        var budget = contextWindow - Math.Min(settings.MaxOutputTokens, contextWindow / 2);
        var systemTokens = systemPrompt is null ? 0 : tokens.Count(systemPrompt) + PerMessageOverhead;
        budget -= systemTokens;

        var kept = new List<(Message Message, string Text, int Tokens)>();
        var used = 0;
        for (var i = usable.Count - 1; i >= 0; i--)
        {
            var m = usable[i];
            var count = tokens.Count(m.Content) + PerMessageOverhead;
            if (used + count <= budget)
            {
                kept.Add((m, m.Content, count));
                used += count;
                continue;
            }
            if (kept.Count == 0)
            {
                // The newest message alone is too long: keep its end, which is what the user is asking about.
                var text = tokens.KeepLast(m.Content, Math.Max(budget - PerMessageOverhead, 1));
                kept.Add((m, text, tokens.Count(text) + PerMessageOverhead));
                used += kept[^1].Tokens;
            }
            break;
        }
        kept.Reverse();
        var messages = new List<ChatMessage>();
        if (systemPrompt is not null) messages.Add(new ChatMessage(ChatRole.System, systemPrompt));
        messages.AddRange(kept.Select(k => new ChatMessage(k.Message.Role == MessageRoles.Assistant ? ChatRole.Assistant : ChatRole.User, k.Text)));
        return (messages, used + systemTokens);
    }
}
