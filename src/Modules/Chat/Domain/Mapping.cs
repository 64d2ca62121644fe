using MySaasChat.Contracts;

namespace MySaasChat.Modules.Chat.Domain;

public static class Mapping
{
    public static ConversationSummary ToSummary(this Conversation c) =>
        new(c.Id, c.Title, c.Model, c.SystemPrompt, c.Pinned, c.Archived, c.CreatedAt, c.UpdatedAt);

    public static ChatMessageBody ToBody(this Message m, IReadOnlyList<Guid>? siblings = null) =>
        new(m.Id, m.ConversationId, m.ParentId, m.Role, m.Content, m.State, m.Provider, m.Model, m.Error,
            m.PromptTokens, m.CompletionTokens, m.CreatedAt, siblings ?? [m.Id]);
}
