namespace MySaasChat.Modules.Chat.Domain;

public sealed class Conversation
{
    public const string DefaultTitle = "New conversation";

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid UserId { get; set; }
    public string Title { get; set; } = DefaultTitle;
    public string? Model { get; set; }
    public string? SystemPrompt { get; set; }
    public bool Pinned { get; set; }
    public bool Archived { get; set; }
    /// <summary>The message the user last saw at the end of the conversation: picks the branch shown by default.</summary>
    public Guid? CurrentLeafId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
