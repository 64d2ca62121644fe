using System.Text.Json;

namespace MySaasChat.Web.Api;

// The public API's shapes, as any client sees them (camelCase JSON). Unknown fields are ignored.

public sealed record UserInfo(
    Guid Id, string Email, string Name, string Role, string Plan, bool EmailVerified, bool TwoFactorEnabled,
    bool Disabled, string? AvatarUrl, JsonElement? Preferences, DateTimeOffset CreatedAt);

public sealed record TokenResponse(string AccessToken, string? RefreshToken, int ExpiresIn, UserInfo User);

public sealed record AcceptedResponse(string Status, string Message);

public sealed record SessionInfo(Guid Id, string? Device, string? IpAddress, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, bool Current);

public sealed record UserPage(List<UserInfo> Items, int Page, int PageSize, int Total);

public sealed record TwoFactorSetup(string Secret, string OtpauthUri);

public sealed record RecoveryCodesResponse(List<string> RecoveryCodes);

public sealed record ConversationSummary(
    Guid Id, string Title, string? Model, string? SystemPrompt, bool Pinned, bool Archived,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ConversationPage(List<ConversationSummary> Items, string? NextCursor);

public sealed record ChatMessage(
    Guid Id, Guid ConversationId, Guid? ParentId, string Role, string Content, string State,
    string? Provider, string? Model, string? Error, int? PromptTokens, int? CompletionTokens,
    DateTimeOffset CreatedAt, List<Guid>? SiblingIds);

public sealed record ConversationDetail(ConversationSummary Conversation, Guid? LeafId, List<ChatMessage> Messages);

public sealed record ModelInfo(
    string Id, string Provider, int ContextWindow, decimal InputPricePerMillion, decimal OutputPricePerMillion,
    bool Available, bool IsDefault);

public sealed record UsageByModel(string Model, string Provider, long PromptTokens, long CompletionTokens, decimal Cost, int Completions);

public sealed record UsageInfo(
    string Plan, long Quota, long Used, long Remaining, DateTimeOffset PeriodStart, DateTimeOffset ResetsAt,
    decimal Cost, List<UsageByModel>? Models);
