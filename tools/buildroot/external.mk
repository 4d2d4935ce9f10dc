include $(sort $(wildcard $(BR2_EXTERNAL_VNET_LINK_MIRROR_PATH)/package/*/*.mk))
