using System.Text;

namespace MySaasChat.Web.Components;

/// <summary>A message as the page shows it: the text grows while the answer streams in.</summary>
public sealed class MessageView
{
    private readonly StringBuilder _content = new();
    private string? _html;

    public Guid Id { get; set; }
    public Guid? ParentId { get; set; }
    public required string Role { get; init; }
    public string State { get; set; } = "complete";
    public string? Model { get; set; }
    public string? Error { get; set; }
    public List<Guid> SiblingIds { get; set; } = [];

    public bool IsUser => Role == "user";
    public bool IsStreaming => State == "streaming";
    public string Content => _content.ToString();
    public int SiblingIndex => Math.Max(0, SiblingIds.IndexOf(Id));

    /// <summary>Rendered once per change of the text, not on every render of the page.</summary>
    public string Html => _html ??= Markdown.ToHtml(Content);

    public void Append(string text)
    {
        _content.Append(text);
        _html = null;
    }

    public void Replace(string text)
    {
        _content.Clear().Append(text);
        _html = null;
    }

    public static MessageView From(ChatMessage m)
    {
        var view = new MessageView
        {
            Id = m.Id,
            ParentId = m.ParentId,
            Role = m.Role,
            State = m.State,
            Model = m.Model,
            Error = m.Error,
            SiblingIds = m.SiblingIds is { Count: > 0 } ids ? [.. ids] : [m.Id],
        };
        view.Append(m.Content);
        return view;
    }
}
