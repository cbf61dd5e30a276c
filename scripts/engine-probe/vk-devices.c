/*
 * Prints one line per Vulkan physical device, in the order ggml-vulkan numbers them
 * (GGML_VK_VISIBLE_DEVICES indexes this list):
 *   device <index>\t<type>\t<api version>\t<name>
 * type is discrete, integrated, virtual, cpu or other. Exit 0 with "devices 0" when the loader
 * works but finds nothing; exit 2 with a reason when no Vulkan instance can be created.
 */
#include <stdio.h>
#include <stdlib.h>
#include <vulkan/vulkan.h>

static const char *type_name(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
    }
}

int main(void) {
    VkApplicationInfo app = {VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "mp4totext-vk-devices";
    app.apiVersion = VK_API_VERSION_1_2;
    VkInstanceCreateInfo info = {VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
#ifdef __APPLE__
    /* MoltenVK is a portability implementation: without this flag the loader hides it */
    const char *ext[] = {"VK_KHR_portability_enumeration"};
    info.flags = 0x00000001; /* VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR */
    info.enabledExtensionCount = 1;
    info.ppEnabledExtensionNames = ext;
#endif
    VkInstance instance;
    VkResult r = vkCreateInstance(&info, NULL, &instance);
    if (r != VK_SUCCESS) {
        printf("error\tno Vulkan driver could be loaded (vkCreateInstance returned %d)\n", (int)r);
        return 2;
    }
    uint32_t n = 0;
    vkEnumeratePhysicalDevices(instance, &n, NULL);
    VkPhysicalDevice *devs = calloc(n ? n : 1, sizeof *devs);
    vkEnumeratePhysicalDevices(instance, &n, devs);
    printf("devices %u\n", n);
    for (uint32_t i = 0; i < n; i++) {
        VkPhysicalDeviceProperties p;
        vkGetPhysicalDeviceProperties(devs[i], &p);
        printf("device %u\t%s\t%u.%u.%u\t%s\n", i, type_name(p.deviceType), VK_VERSION_MAJOR(p.apiVersion),
               VK_VERSION_MINOR(p.apiVersion), VK_VERSION_PATCH(p.apiVersion), p.deviceName);
    }
    free(devs);
    vkDestroyInstance(instance, NULL);
    return 0;
}
