using MySaasChat.Hosting;

namespace MySaasChat;

/// <summary>
/// Every module of the program, in the order their endpoints are mapped. (Not named `Modules`:
/// that name is the namespace MySaasChat.Modules.* of the module libraries, CS0437.)
/// </summary>
public static class ProgramModules
{
    public static IReadOnlyList<IModule> All() =>
    [
        new Modules.Notifications.NotificationsModule(),
        new Modules.Chat.ChatModule(),
        new Modules.Identity.IdentityModule(),
    ];
}
