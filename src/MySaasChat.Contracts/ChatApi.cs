namespace MySaasChat.Contracts;

public sealed record ConversationSummary(
    Guid Id, string Title, string? Model, string? SystemPrompt, bool Pinned, bool Archived,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ConversationPage(IReadOnlyList<ConversationSummary> Items, string? NextCursor);

public sealed record ChatMessageBody(
    Guid Id, Guid ConversationId, Guid? ParentId, string Role, string Content, string State,
    string? Provider, string? Model, string? Error, int? PromptTokens, int? CompletionTokens,
    DateTimeOffset CreatedAt, IReadOnlyList<Guid> SiblingIds);

public sealed record ConversationDetail(ConversationSummary Conversation, Guid? LeafId, IReadOnlyList<ChatMessageBody> Messages);

/// <summary>The answer to a non-streaming send: the stored user message and the assistant's reply.</summary>
public sealed record SendMessageResult(ChatMessageBody UserMessage, ChatMessageBody AssistantMessage);

public sealed record ModelBody(
    string Id, string Provider, int ContextWindow, decimal InputPricePerMillion, decimal OutputPricePerMillion,
    bool Available, bool IsDefault);

public sealed record UsageByModel(string Model, string Provider, long PromptTokens, long CompletionTokens, decimal Cost, int Completions);

public sealed record UsageBody(
    string Plan, long Quota, long Used, long Remaining, DateTimeOffset PeriodStart, DateTimeOffset ResetsAt,
    decimal Cost, IReadOnlyList<UsageByModel> Models);
